/// The grid of a QR code while it is built: the function patterns (finders, separators, timing,
/// alignment, format and version information) that masking leaves alone, then the codewords in
/// their zigzag order (ISO/IEC 18004 §6.3 and §7.7). Modules are row-major, 1 for dark.
struct QRMatrix: Sendable {
    let version: Int
    let size: Int
    var modules: [UInt8]
    /// 1 where a function pattern sits: neither data nor masked.
    private(set) var isFunction: [UInt8]

    /// An empty grid for `version` with every function pattern drawn (format bits for mask 0).
    init(version: Int, errorCorrection: QRErrorCorrection) {
        self.version = version
        self.size = version * 4 + 17
        self.modules = [UInt8](repeating: 0, count: self.size * self.size)
        self.isFunction = self.modules
        self.drawFunctionPatterns(errorCorrection: errorCorrection)
    }

    subscript(x: Int, y: Int) -> Bool { self.modules[y * self.size + x] != 0 }

    private mutating func setFunction(x: Int, y: Int, dark: Bool) {
        self.modules[y * self.size + x] = dark ? 1 : 0
        self.isFunction[y * self.size + x] = 1
    }

    // MARK: Function patterns

    private mutating func drawFunctionPatterns(errorCorrection: QRErrorCorrection) {
        // Timing patterns along row 6 and column 6 (the finders overwrite their ends).
        for index in 0..<self.size {
            self.setFunction(x: 6, y: index, dark: index % 2 == 0)
            self.setFunction(x: index, y: 6, dark: index % 2 == 0)
        }
        self.drawFinder(centreX: 3, centreY: 3)
        self.drawFinder(centreX: self.size - 4, centreY: 3)
        self.drawFinder(centreX: 3, centreY: self.size - 4)
        let centres = Self.alignmentCentres(version: self.version)
        for (row, y) in centres.enumerated() {
            for (column, x) in centres.enumerated() {
                // None where a finder is: the top-left, top-right and bottom-left corners.
                let last = centres.count - 1
                if (row == 0 && column == 0) || (row == 0 && column == last) || (row == last && column == 0) { continue }
                self.drawAlignment(centreX: x, centreY: y)
            }
        }
        self.drawFormatBits(errorCorrection: errorCorrection, mask: 0)
        self.drawVersionBits()
    }

    /// A 7×7 finder with its light separator (9×9, clipped at the symbol's edge).
    private mutating func drawFinder(centreX: Int, centreY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centreX + dx, y = centreY + dy
                guard (0..<self.size).contains(x), (0..<self.size).contains(y) else { continue }
                let ring = max(abs(dx), abs(dy))
                self.setFunction(x: x, y: y, dark: ring != 2 && ring != 4)
            }
        }
    }

    /// A 5×5 alignment pattern: dark ring, light ring, dark centre.
    private mutating func drawAlignment(centreX: Int, centreY: Int) {
        for dy in -2...2 {
            for dx in -2...2 {
                self.setFunction(x: centreX + dx, y: centreY + dy, dark: max(abs(dx), abs(dy)) != 1)
            }
        }
    }

    /// Both copies of the 15 format bits (level and mask, BCH-protected and XOR-masked), and the
    /// dark module beside the bottom-left finder.
    mutating func drawFormatBits(errorCorrection: QRErrorCorrection, mask: Int) {
        let bits = Self.formatBits(errorCorrection: errorCorrection, mask: mask)
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 != 0 }
        // Around the top-left finder: bits 0–5 down column 8, 6–8 round the corner, 9–14 along row 8.
        for index in 0...5 { self.setFunction(x: 8, y: index, dark: bit(index)) }
        self.setFunction(x: 8, y: 7, dark: bit(6))
        self.setFunction(x: 8, y: 8, dark: bit(7))
        self.setFunction(x: 7, y: 8, dark: bit(8))
        for index in 9..<15 { self.setFunction(x: 14 - index, y: 8, dark: bit(index)) }
        // Split between the other two finders: bits 0–7 along row 8 from the right, 8–14 up column 8.
        for index in 0..<8 { self.setFunction(x: self.size - 1 - index, y: 8, dark: bit(index)) }
        for index in 8..<15 { self.setFunction(x: 8, y: self.size - 15 + index, dark: bit(index)) }
        self.setFunction(x: 8, y: self.size - 8, dark: true)
    }

    /// Both 6×3 copies of the 18 version bits, from version 7 on.
    private mutating func drawVersionBits() {
        guard self.version >= 7 else { return }
        let bits = Self.versionBits(version: self.version)
        for index in 0..<18 {
            let dark = (bits >> index) & 1 != 0
            let along = self.size - 11 + index % 3, across = index / 3
            self.setFunction(x: along, y: across, dark: dark)
            self.setFunction(x: across, y: along, dark: dark)
        }
    }

    /// The 15 format bits (§7.9): 2 bits of level and 3 of mask, a BCH(15,5) remainder of the
    /// generator x¹⁰+x⁸+x⁵+x⁴+x²+x+1, XORed with 101010000010010 so that they are never all light.
    static func formatBits(errorCorrection: QRErrorCorrection, mask: Int) -> Int {
        let data = errorCorrection.formatBits << 3 | mask
        var remainder = data
        for _ in 0..<10 {
            remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
        }
        return (data << 10 | remainder) ^ 0x5412
    }

    /// The 18 version bits (§7.10): 6 bits of version and a BCH(18,6) remainder of the generator
    /// x¹²+x¹¹+x¹⁰+x⁹+x⁸+x⁵+x²+1.
    static func versionBits(version: Int) -> Int {
        var remainder = version
        for _ in 0..<12 {
            remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25)
        }
        return version << 12 | remainder
    }

    /// The row and column coordinates of alignment pattern centres (annex E): 6, then evenly
    /// spaced (an even step) up to size − 7.
    static func alignmentCentres(version: Int) -> [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        let size = version * 4 + 17
        return [6] + (0..<(count - 1)).reversed().map { size - 7 - $0 * step }
    }

    /// Modules left for codewords and remainder bits once the function patterns are drawn.
    static func rawDataModules(version: Int) -> Int {
        var modules = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignments = version / 7 + 2
            modules -= (25 * alignments - 10) * alignments - 55
            if version >= 7 { modules -= 36 }
        }
        return modules
    }

    // MARK: Codewords

    /// Places `codewords` (data and error correction, interleaved) bit by bit, most significant
    /// first, in two-module columns from the bottom right, upwards then downwards, skipping the
    /// function patterns and the vertical timing column. Remainder bits stay light.
    mutating func drawCodewords(_ codewords: [UInt8]) {
        let totalBits = codewords.count * 8
        var bitIndex = 0
        var right = self.size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for step in 0..<self.size {
                let y = upward ? self.size - 1 - step : step
                for x in stride(from: right, through: right - 1, by: -1)
                where self.isFunction[y * self.size + x] == 0 && bitIndex < totalBits {
                    self.modules[y * self.size + x] = (codewords[bitIndex >> 3] >> (7 - UInt8(bitIndex & 7))) & 1
                    bitIndex += 1
                }
            }
            right -= 2
        }
        assert(bitIndex == totalBits)
    }

    // MARK: Masking

    /// `modules` with the data modules inverted where mask `mask` (table 10) says, written into
    /// `output` (which must hold as many modules). Row `y`, column `x` as the standard's i and j.
    func masked(_ mask: Int, into output: inout [UInt8]) {
        switch mask {
        case 0: self.masked(into: &output) { x, y in (x + y) % 2 == 0 }
        case 1: self.masked(into: &output) { _, y in y % 2 == 0 }
        case 2: self.masked(into: &output) { x, _ in x % 3 == 0 }
        case 3: self.masked(into: &output) { x, y in (x + y) % 3 == 0 }
        case 4: self.masked(into: &output) { x, y in (x / 3 + y / 2) % 2 == 0 }
        case 5: self.masked(into: &output) { x, y in x * y % 2 + x * y % 3 == 0 }
        case 6: self.masked(into: &output) { x, y in (x * y % 2 + x * y % 3) % 2 == 0 }
        default: self.masked(into: &output) { x, y in ((x + y) % 2 + x * y % 3) % 2 == 0 }
        }
    }

    /// One loop per mask, so that the pattern's test is inlined rather than chosen per module.
    @inline(__always)
    private func masked(into output: inout [UInt8], inverts: (Int, Int) -> Bool) {
        let size = self.size
        precondition(output.count == self.modules.count)
        self.modules.withUnsafeBufferPointer { modules in
            self.isFunction.withUnsafeBufferPointer { isFunction in
                output.withUnsafeMutableBufferPointer { output in
                    for y in 0..<size {
                        for x in 0..<size {
                            let index = y * size + x
                            let invert: UInt8 = isFunction[index] == 0 && inverts(x, y) ? 1 : 0
                            output[index] = modules[index] ^ invert
                        }
                    }
                }
            }
        }
    }
}
