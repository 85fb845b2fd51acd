import Foundation
import HavenTesting
import Testing
@testable import HavenCore

/// The QR code encoder: known answers from the standard and published examples for its parts,
/// and every symbol it draws read back by a real decoder (zbar) from the SVG as librsvg renders it.
@Suite struct QRCodeTests {
    // MARK: Known answers

    @Test func reedSolomonRemainderMatchesPublishedExamples() {
        // ISO/IEC 18004 annex I: "01234567" in numeric mode, version 1-M.
        let annex: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        #expect(ReedSolomon(degree: 10).remainder(of: annex) == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
        // The commonly published "HELLO WORLD" (alphanumeric mode), versions 1-M and 1-Q.
        let helloM: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(ReedSolomon(degree: 10).remainder(of: helloM) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
        let helloQ: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236]
        #expect(ReedSolomon(degree: 13).remainder(of: helloQ) == [168, 72, 22, 82, 217, 54, 156, 0, 46, 15, 180, 122, 16])
    }

    @Test func galoisFieldTablesAreInverse() {
        #expect(GaloisField.exp[0] == 1 && GaloisField.exp[8] == 0x1D && GaloisField.exp[255] == 1)
        for value in 1...255 {
            #expect(GaloisField.exp[Int(GaloisField.log[value])] == UInt8(value))
        }
        #expect(GaloisField.multiply(0x53, 0xCA) == GaloisField.exp[(Int(GaloisField.log[0x53]) + Int(GaloisField.log[0xCA])) % 255])
        #expect(GaloisField.multiply(0, 0xCA) == 0)
    }

    @Test func formatBitsMatchTheStandardsTable() {
        // Annex C, table C.1: level and mask after BCH and the XOR with 101010000010010.
        let table: [(QRErrorCorrection, [Int])] = [
            (.low, [0x77C4, 0x72F3, 0x7DAA, 0x789D, 0x662F, 0x6318, 0x6C41, 0x6976]),
            (.medium, [0x5412, 0x5125, 0x5E7C, 0x5B4B, 0x45F9, 0x40CE, 0x4F97, 0x4AA0]),
            (.quartile, [0x355F, 0x3068, 0x3F31, 0x3A06, 0x24B4, 0x2183, 0x2EDA, 0x2BED]),
            (.high, [0x1689, 0x13BE, 0x1CE7, 0x19D0, 0x0762, 0x0255, 0x0D0C, 0x083B]),
        ]
        for (level, bits) in table {
            #expect((0..<8).map { QRMatrix.formatBits(errorCorrection: level, mask: $0) } == bits, "\(level)")
        }
    }

    @Test func versionBitsMatchTheStandardsTable() {
        // Annex D, table D.1: versions 7 to 40.
        let table = [
            0x07C94, 0x085BC, 0x09A99, 0x0A4D3, 0x0BBF6, 0x0C762, 0x0D847, 0x0E60D, 0x0F928, 0x10B78, 0x1145D, 0x12A17,
            0x13532, 0x149A6, 0x15683, 0x168C9, 0x177EC, 0x18EC4, 0x191E1, 0x1AFAB, 0x1B08E, 0x1CC1A, 0x1D33F, 0x1ED75,
            0x1F250, 0x209D5, 0x216F0, 0x228BA, 0x2379F, 0x24B0B, 0x2542E, 0x26A64, 0x27541, 0x28C69,
        ]
        #expect((7...40).map { QRMatrix.versionBits(version: $0) } == table)
    }

    @Test func alignmentPatternsSitWhereAnnexESays() {
        #expect(QRMatrix.alignmentCentres(version: 1) == [])
        #expect(QRMatrix.alignmentCentres(version: 2) == [6, 18])
        #expect(QRMatrix.alignmentCentres(version: 7) == [6, 22, 38])
        #expect(QRMatrix.alignmentCentres(version: 32) == [6, 34, 60, 86, 112, 138])
        #expect(QRMatrix.alignmentCentres(version: 36) == [6, 24, 50, 76, 102, 128, 154])
        #expect(QRMatrix.alignmentCentres(version: 40) == [6, 30, 58, 86, 114, 142, 170])
    }

    @Test func byteModeDataCodewordsOfAShortText() {
        // Worked by hand: 0100, count 00000101, "hello", terminator 0000, then pad codewords.
        let codewords = QRCode.dataCodewords(Array("hello".utf8), version: 1, errorCorrection: .medium)
        #expect(codewords == [0x40, 0x56, 0x86, 0x56, 0xC6, 0xC6, 0xF0, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC])
        // From version 10 the count takes 16 bits.
        let long = QRCode.dataCodewords([UInt8](repeating: 0xFF, count: 200), version: 10, errorCorrection: .medium)
        #expect(Array(long.prefix(4)) == [0x40, 0x0C, 0x8F, 0xFF])
        #expect(long.count == QRErrorCorrection.medium.dataCodewords(version: 10))
    }

    @Test func byteCapacitiesMatchTheStandardsTable() {
        // Table 7, byte mode, for versions 1, 10 and 40.
        let table: [(QRErrorCorrection, [Int])] = [
            (.low, [17, 271, 2953]), (.medium, [14, 213, 2331]), (.quartile, [11, 151, 1663]), (.high, [7, 119, 1273]),
        ]
        for (level, capacities) in table {
            #expect([1, 10, 40].map { QRCode.byteCapacity(version: $0, errorCorrection: level) } == capacities, "\(level)")
        }
        // And every version has as many codewords as its modules allow (table 1: 26 at version 1, 3,706 at 40).
        #expect(QRMatrix.rawDataModules(version: 1) / 8 == 26 && QRMatrix.rawDataModules(version: 40) / 8 == 3706)
    }

    @Test func theSmallestVersionThatHoldsTheDataIsChosen() throws {
        #expect(try QRCode(encoding: []).version == 1)
        #expect(try QRCode(encoding: [UInt8](repeating: 0x41, count: 14)).version == 1)
        #expect(try QRCode(encoding: [UInt8](repeating: 0x41, count: 15)).version == 2)
        #expect(try QRCode(encoding: [UInt8](repeating: 0x41, count: 213)).version == 10)
        #expect(try QRCode(encoding: [UInt8](repeating: 0x41, count: 214)).version == 11)
        #expect(try QRCode(encoding: [UInt8](repeating: 0x41, count: 2331)).version == 40)
        #expect(try QRCode(encoding: [UInt8](repeating: 0x41, count: 2953), errorCorrection: .low).version == 40)
        #expect(throws: QRCodeError.dataTooLong(bytes: 2332, capacity: 2331)) {
            try QRCode(encoding: [UInt8](repeating: 0x41, count: 2332))
        }
        #expect(throws: QRCodeError.dataTooLong(bytes: 1274, capacity: 1273)) {
            try QRCode(encoding: [UInt8](repeating: 0x41, count: 1274), errorCorrection: .high)
        }
    }

    @Test func everyVersionAndLevelFillsItsSymbolExactly() throws {
        for level in QRErrorCorrection.allCases {
            for version in 1...40 {
                // Data and error correction of every block fill the data area's whole codewords.
                let bytes = [UInt8](repeating: 0xA5, count: QRCode.byteCapacity(version: version, errorCorrection: level))
                let data = QRCode.dataCodewords(bytes, version: version, errorCorrection: level)
                let codewords = QRCode.interleavedWithErrorCorrection(data, version: version, errorCorrection: level)
                #expect(codewords.count == QRMatrix.rawDataModules(version: version) / 8, "\(level) \(version)")
                // A full symbol of each (one mask: the choice among eight is tested elsewhere).
                let code = try QRCode(encoding: bytes, errorCorrection: level, mask: 0)
                #expect(code.version == version, "\(level) \(version)")
            }
        }
    }

    @Test(arguments: [1, 2, 7, 10, 23, 40])
    func functionPatternsAndFormatInformationAreInPlace(version: Int) throws {
        let length = QRCode.byteCapacity(version: version, errorCorrection: .quartile)
        let code = try QRCode(encoding: [UInt8](repeating: 0x5A, count: length), errorCorrection: .quartile)
        #expect(code.version == version && code.size == version * 4 + 17)
        let size = code.size
        // Finders (dark ring, light ring, dark 3×3 centre) with light separators in three corners.
        for (left, top) in [(0, 0), (size - 7, 0), (0, size - 7)] {
            for dy in -1...7 {
                for dx in -1...7 {
                    let x = left + dx, y = top + dy
                    guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                    let ring = max(abs(dx * 2 - 6), abs(dy * 2 - 6)) / 2
                    #expect(code[x, y] == (ring != 2 && ring != 4), "finder at \(left),\(top): \(dx),\(dy)")
                }
            }
        }
        // Timing patterns, and the dark module beside the bottom-left finder.
        for index in 8..<(size - 8) {
            #expect(code[index, 6] == (index % 2 == 0) && code[6, index] == (index % 2 == 0))
        }
        #expect(code[8, size - 8])
        // Both copies of the format information say level Q and the mask chosen.
        let expected = QRMatrix.formatBits(errorCorrection: .quartile, mask: code.mask)
        var first = 0, second = 0
        let firstPositions = (0...5).map { (8, $0) } + [(8, 7), (8, 8), (7, 8)] + (9..<15).map { (14 - $0, 8) }
        let secondPositions = (0..<8).map { (size - 1 - $0, 8) } + (8..<15).map { (8, size - 15 + $0) }
        for (index, (x, y)) in firstPositions.enumerated() where code[x, y] { first |= 1 << index }
        for (index, (x, y)) in secondPositions.enumerated() where code[x, y] { second |= 1 << index }
        #expect(first == expected && second == expected)
    }

    @Test func theMaskChosenHasTheLowestPenalty() throws {
        let bytes = Array("otpauth://totp/Haven:member@example.org?secret=JBSWY3DPEHPK3PXP".utf8)
        let chosen = try QRCode(encoding: bytes)
        let penalties = try (0..<8).map { mask in
            QRPenalty.score(try QRCode(encoding: bytes, errorCorrection: .medium, mask: mask).modules, size: chosen.size)
        }
        #expect(penalties[chosen.mask] == penalties.min())
        #expect(try QRCode(encoding: bytes, errorCorrection: .medium, mask: chosen.mask) == chosen)
    }

    @Test func penaltyRulesScoreKnownGrids() {
        // All light, 21×21: rule 1 gives 3 + 16 per line (42 lines), rule 2 gives 3 per 2×2
        // (400), rule 4 gives 10 per 5 % off balance (90), no finder-like shape.
        let light = [UInt8](repeating: 0, count: 21 * 21)
        #expect(QRPenalty.score(light, size: 21) == 42 * 19 + 400 * 3 + 9 * 10)
        // Checkerboard: no runs or blocks; 221 of 441 dark is within 45–55 %.
        let checkerboard = (0..<(21 * 21)).map { UInt8(($0 / 21 + $0 % 21) % 2 == 0 ? 1 : 0) }
        #expect(QRPenalty.score(checkerboard, size: 21) == 0)
        // A row holding 1011101 with light on both sides is finder-like, counted once (40); breaking
        // it (1010101) also makes column 5 one run of 11 light modules (9) instead of two of 5 (3 + 3).
        var grid = [UInt8](repeating: 0, count: 11 * 11)
        for x in [2, 4, 5, 6, 8] { grid[5 * 11 + x] = 1 }
        let score = QRPenalty.score(grid, size: 11)
        grid[5 * 11 + 5] = 0
        #expect(score - QRPenalty.score(grid, size: 11) == 40 - 3)
    }

    // MARK: SVG

    @Test func svgIsOnePathWithAttributesOnly() throws {
        let code = try QRCode(encoding: "otpauth://totp/Haven:a@example.org?secret=JBSWY3DPEHPK3PXP")
        let svg = code.svg(title: #"Scan <this> & "that" 'now'"#, moduleSize: 5)
        let side = code.size + 8
        #expect(svg.hasPrefix(#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(side) \#(side)" width="\#(side * 5)" height="\#(side * 5)""#))
        #expect(svg.contains(#"role="img""#) && svg.contains(#"shape-rendering="crispEdges""#))
        #expect(svg.contains("<title>Scan &lt;this&gt; &amp; &quot;that&quot; &#39;now&#39;</title>"))
        #expect(svg.components(separatedBy: "<path").count == 2)
        #expect(!svg.contains("style") && !svg.contains("script") && !svg.contains("\n"))
        // The path draws exactly the dark modules: count its area.
        let path = try #require(svg.split(separator: #"d=""#).last?.split(separator: "\"").first)
        let area = path.split(separator: "M").reduce(0) { total, rectangle in
            total + (Int(rectangle.split(separator: "h")[1].split(separator: "v")[0]) ?? 0)
        }
        let dark = (0..<code.size).reduce(0) { total, y in total + (0..<code.size).filter { code[$0, y] }.count }
        #expect(area == dark)
    }

    @Test func svgTitleLeavesOutWhatXMLRefuses() throws {
        let svg = try QRCode(encoding: "x").svg(title: "a\u{0}b\u{1B}c\u{FFFF}d\te")
        #expect(svg.contains("<title>abcd\te</title>"))
    }

    // MARK: Read back by a real decoder

    /// An input and what it is meant to exercise.
    struct Sample: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        var level: QRErrorCorrection = .medium
        var mask: Int?
        var testDescription: String { "\(self.name) (\(self.bytes.count) bytes, \(self.level))" }
    }

    /// Deterministic bytes that look random (a linear congruential generator): no long runs to
    /// make the masks' work easy.
    static func noise(_ count: Int, seed: UInt32) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }

    static let samples: [Sample] = [
        Sample(name: "one letter", bytes: Array("a".utf8)),
        Sample(name: "a URL", bytes: Array("https://haven.example.org/".utf8)),
        Sample(name: "every byte value", bytes: (0...255).map { UInt8($0) }),
        Sample(
            name: "an otpauth URI with an Arabic account",
            bytes: Array(TOTP.provisioningURI(secret: Array(0..<20), account: "سلمى@example.org", issuer: "Haven").utf8)
        ),
        Sample(name: "UTF-8 text", bytes: Array("لا إله إلا الحرية — 自由 — Свобода".utf8)),
        Sample(name: "version 10, full", bytes: noise(213, seed: 1)),
        Sample(name: "version 11", bytes: noise(214, seed: 2)),
        Sample(name: "version 22", bytes: noise(800, seed: 3)),
        Sample(name: "version 40, full", bytes: noise(2331, seed: 4)),
        Sample(name: "level L", bytes: noise(600, seed: 5), level: .low),
        Sample(name: "level Q", bytes: noise(600, seed: 6), level: .quartile),
        Sample(name: "level H", bytes: noise(600, seed: 7), level: .high),
    ] + (0..<8).map { Sample(name: "mask \($0)", bytes: noise(120, seed: 10 + UInt32($0)), mask: $0) }

    @Test(arguments: Self.samples)
    func aRealDecoderReadsTheBytesBack(sample: Sample) async throws {
        #expect(QRCodeReader.isInstalled, "run scripts/install-deps librsvg2-bin zbar-tools (make test does)")
        let code = try QRCode(encoding: sample.bytes, errorCorrection: sample.level, mask: sample.mask)
        if let mask = sample.mask { #expect(code.mask == mask) }
        let read = try await QRCodeReader.read(svg: code.svg(title: "Test <code> & more"))
        #expect(read == sample.bytes, "version \(code.version), mask \(code.mask)")
    }
}
