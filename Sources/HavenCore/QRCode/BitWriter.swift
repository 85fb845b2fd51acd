/// Bits appended most significant first into whole bytes.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private(set) var bitCount = 0

    init(capacity: Int) { self.bytes.reserveCapacity(capacity) }

    /// Appends the low `bits` bits (at most 32) of `value`.
    mutating func append(_ value: Int, bits: Int) {
        var remaining = bits
        while remaining > 0 {
            let used = self.bitCount % 8
            if used == 0 { self.bytes.append(0) }
            // As many of the value's next bits as the last byte has room for.
            let taken = min(8 - used, remaining)
            let chunk = (value >> (remaining - taken)) & ((1 << taken) - 1)
            self.bytes[self.bytes.count - 1] |= UInt8(chunk << (8 - used - taken))
            remaining -= taken
            self.bitCount += taken
        }
    }

    /// Zero bits up to the next byte boundary.
    mutating func padToByte() {
        self.bitCount = self.bytes.count * 8
    }

    /// Appends a whole byte; only at a byte boundary.
    mutating func appendByte(_ byte: UInt8) {
        precondition(self.bitCount % 8 == 0)
        self.bytes.append(byte)
        self.bitCount += 8
    }
}
