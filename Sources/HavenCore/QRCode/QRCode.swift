/// A QR code symbol (ISO/IEC 18004, model 2) holding bytes in byte mode: the smallest version
/// (1 to 40) that fits at the chosen error correction, and the mask with the lowest penalty.
/// Made on the server so that pages show two-factor enrolment without a script or a third party.
public struct QRCode: Sendable, Equatable {
    /// 1 to 40; the symbol is `version × 4 + 17` modules wide.
    public let version: Int
    public let errorCorrection: QRErrorCorrection
    /// The data mask chosen, 0 to 7 (table 10).
    public let mask: Int
    /// Modules per side.
    public let size: Int
    /// Row-major, 1 for dark.
    let modules: [UInt8]

    /// Encodes `text` as UTF-8 (what authenticator apps expect of an `otpauth://` URI).
    public init(encoding text: String, errorCorrection: QRErrorCorrection = .medium) throws {
        try self.init(encoding: Array(text.utf8), errorCorrection: errorCorrection)
    }

    /// Encodes `bytes` in byte mode in the smallest version that holds them.
    public init(encoding bytes: [UInt8], errorCorrection: QRErrorCorrection = .medium) throws {
        try self.init(encoding: bytes, errorCorrection: errorCorrection, mask: nil)
    }

    /// As above; `mask` forces one mask instead of the best (for tests).
    init(encoding bytes: [UInt8], errorCorrection: QRErrorCorrection, mask forcedMask: Int?) throws {
        guard let version = Self.smallestVersion(holding: bytes.count, errorCorrection: errorCorrection) else {
            throw QRCodeError.dataTooLong(bytes: bytes.count, capacity: Self.byteCapacity(version: 40, errorCorrection: errorCorrection))
        }
        let data = Self.dataCodewords(bytes, version: version, errorCorrection: errorCorrection)
        var matrix = QRMatrix(version: version, errorCorrection: errorCorrection)
        matrix.drawCodewords(Self.interleavedWithErrorCorrection(data, version: version, errorCorrection: errorCorrection))

        var mask = forcedMask ?? 0
        var candidate = matrix.modules
        if forcedMask == nil {
            var lowest = Int.max
            for trial in 0..<8 {
                matrix.drawFormatBits(errorCorrection: errorCorrection, mask: trial)
                matrix.masked(trial, into: &candidate)
                let penalty = QRPenalty.score(candidate, size: matrix.size)
                if penalty < lowest {
                    lowest = penalty
                    mask = trial
                }
            }
        }
        matrix.drawFormatBits(errorCorrection: errorCorrection, mask: mask)
        matrix.masked(mask, into: &candidate)
        self.version = version
        self.errorCorrection = errorCorrection
        self.mask = mask
        self.size = matrix.size
        self.modules = candidate
    }

    /// Whether the module in column `x`, row `y` (from the top left, 0-based) is dark.
    public subscript(x: Int, y: Int) -> Bool {
        precondition((0..<self.size).contains(x) && (0..<self.size).contains(y), "module outside the symbol")
        return self.modules[y * self.size + x] != 0
    }

    // MARK: Data

    /// Bytes byte mode holds in `version` at `errorCorrection` (mode indicator and count included).
    static func byteCapacity(version: Int, errorCorrection: QRErrorCorrection) -> Int {
        (errorCorrection.dataCodewords(version: version) * 8 - 4 - Self.countBits(version: version)) / 8
    }

    /// Byte mode's character count field: 8 bits up to version 9, 16 from version 10 (table 3).
    static func countBits(version: Int) -> Int { version < 10 ? 8 : 16 }

    static func smallestVersion(holding count: Int, errorCorrection: QRErrorCorrection) -> Int? {
        (1...40).first { count <= Self.byteCapacity(version: $0, errorCorrection: errorCorrection) }
    }

    /// Mode indicator 0100, count, the bytes, then a terminator of up to four zero bits, zero bits
    /// to a byte boundary, and the pad codewords 11101100 00010001 alternately (§7.4).
    static func dataCodewords(_ bytes: [UInt8], version: Int, errorCorrection: QRErrorCorrection) -> [UInt8] {
        let capacity = errorCorrection.dataCodewords(version: version)
        var writer = BitWriter(capacity: capacity)
        writer.append(0b0100, bits: 4)
        writer.append(bytes.count, bits: Self.countBits(version: version))
        for byte in bytes { writer.append(Int(byte), bits: 8) }
        writer.append(0, bits: min(4, capacity * 8 - writer.bitCount))
        writer.padToByte()
        var pad: UInt8 = 0xEC
        while writer.bytes.count < capacity {
            writer.appendByte(pad)
            pad ^= 0xEC ^ 0x11
        }
        return writer.bytes
    }

    /// Splits the data into the version's blocks (short blocks first, long ones one codeword
    /// longer), adds each block's error correction, and interleaves: the first data codeword of
    /// each block, then the second, …, then the error-correction codewords likewise (§7.6).
    static func interleavedWithErrorCorrection(_ data: [UInt8], version: Int, errorCorrection: QRErrorCorrection) -> [UInt8] {
        let blockCount = errorCorrection.blocks(version: version)
        let eccLength = errorCorrection.codewordsPerBlock(version: version)
        let rawCodewords = QRMatrix.rawDataModules(version: version) / 8
        let shortBlocks = blockCount - rawCodewords % blockCount
        let shortDataLength = rawCodewords / blockCount - eccLength
        let generator = ReedSolomon(degree: eccLength)

        // Every block's error correction, block after block.
        var ecc: [UInt8] = []
        ecc.reserveCapacity(blockCount * eccLength)
        var blockStarts: [Int] = []
        blockStarts.reserveCapacity(blockCount + 1)
        var start = 0
        for block in 0..<blockCount {
            blockStarts.append(start)
            let length = shortDataLength + (block < shortBlocks ? 0 : 1)
            generator.appendRemainder(of: data[start..<(start + length)], to: &ecc)
            start += length
        }
        blockStarts.append(start)

        var result: [UInt8] = []
        result.reserveCapacity(rawCodewords)
        for index in 0...shortDataLength {
            for block in 0..<blockCount where blockStarts[block] + index < blockStarts[block + 1] {
                result.append(data[blockStarts[block] + index])
            }
        }
        for index in 0..<eccLength {
            for block in 0..<blockCount {
                result.append(ecc[block * eccLength + index])
            }
        }
        return result
    }
}
