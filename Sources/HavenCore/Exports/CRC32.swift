import NIOCore

/// The CRC-32 that ZIP archives carry for each entry (ISO 3309, polynomial 0xEDB88320), computed
/// as the bytes stream past.
struct CRC32: Sendable {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    private var state: UInt32 = 0xFFFF_FFFF

    /// The checksum of the bytes seen so far.
    var value: UInt32 { ~self.state }

    mutating func update(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { bytes in
            Self.table.withUnsafeBufferPointer { table in
                var state = self.state
                for byte in bytes { state = table[Int((state ^ UInt32(byte)) & 0xFF)] ^ (state >> 8) }
                self.state = state
            }
        }
    }
}
