import Foundation
import Testing
@testable import HavenCore

@Suite struct ContentSnifferTests {
    static let fixtures = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "HavenAPITests/Fixtures/documents")

    /// A fixture file and the verdict it must get.
    struct Fixture: Sendable, CustomTestStringConvertible {
        let file: String
        let verdict: SniffVerdict
        var testDescription: String { file }
    }

    static let fixtureVerdicts: [Fixture] = [
        Fixture(file: "sample.pdf", verdict: .accepted(.pdf)),
        Fixture(file: "sample.docx", verdict: .accepted(.docx)),
        Fixture(file: "sample.xlsx", verdict: .accepted(.xlsx)),
        Fixture(file: "sample.pptx", verdict: .accepted(.pptx)),
        Fixture(file: "sample.odt", verdict: .accepted(.odt)),
        Fixture(file: "sample.ods", verdict: .accepted(.ods)),
        Fixture(file: "sample.odp", verdict: .accepted(.odp)),
        Fixture(file: "sample.rtf", verdict: .accepted(.rtf)),
        Fixture(file: "sample.txt", verdict: .accepted(.text)),
        Fixture(file: "sample.csv", verdict: .accepted(.csv)),
        Fixture(file: "sample.png", verdict: .accepted(.png)),
        Fixture(file: "sample.jpg", verdict: .accepted(.jpeg)),
        Fixture(file: "sample.webp", verdict: .accepted(.webp)),
        Fixture(file: "elf-renamed.pdf", verdict: .refused(detected: "ELF executable")),
        Fixture(file: "macro.docm", verdict: .refused(detected: "macro-enabled Word document (DOCM)")),
        Fixture(file: "page.html", verdict: .refused(detected: "HTML document")),
        Fixture(file: "drawing.svg", verdict: .refused(detected: "SVG image")),
        Fixture(file: "bomb.zip", verdict: .refused(detected: "ZIP bomb (an entry expands more than 100 times)")),
        Fixture(file: "plain.zip", verdict: .refused(detected: "ZIP archive")),
    ]

    // MARK: Helpers

    /// Feeds `bytes` in pieces of `pieceSize` (all at once when nil) and returns the verdict.
    static func sniff(_ bytes: [UInt8], pieceSize: Int? = nil, limits: ZipLimits = ZipLimits()) -> SniffVerdict {
        var sniffer = ContentSniffer(limits: limits)
        bytes.withUnsafeBytes { all in
            let size = max(pieceSize ?? all.count, 1)
            var start = 0
            while start < all.count {
                let end = min(start + size, all.count)
                sniffer.update(UnsafeRawBufferPointer(rebasing: all[start..<end]))
                start = end
            }
        }
        return sniffer.finish()
    }

    static func sniff(_ text: String, pieceSize: Int? = nil) -> SniffVerdict {
        sniff(Array(text.utf8), pieceSize: pieceSize)
    }

    static let unknown = SniffVerdict.refused(detected: "unknown binary data")

    // MARK: Real files

    @Test(arguments: fixtureVerdicts)
    func fixtureIsSniffedTheSameInAnyPieces(_ fixture: Fixture) throws {
        let data = try Data(contentsOf: Self.fixtures.appending(path: fixture.file))
        let bytes = [UInt8](data)
        #expect(!bytes.isEmpty)
        for pieceSize: Int? in [nil, 1, 7, 4096] {
            let verdict = Self.sniff(bytes, pieceSize: pieceSize)
            #expect(verdict == fixture.verdict, "pieces of \(pieceSize.map(String.init) ?? "whole file")")
        }
    }

    @Test func fixturesStaySmall() throws {
        for fixture in Self.fixtureVerdicts where fixture.file != "bomb.zip" {
            let url = Self.fixtures.appending(path: fixture.file)
            let size = try Data(contentsOf: url).count
            #expect(size < 50 * 1024, "\(fixture.file)")
        }
        let bomb = try Data(contentsOf: Self.fixtures.appending(path: "bomb.zip")).count
        #expect(bomb < 400 * 1024)
    }

    // MARK: Text

    @Test func multiByteCharactersSplitAcrossPieces() {
        let text = "héllo 😀 مرحبا 你好 Привет"
        for size in 1...5 {
            #expect(Self.sniff(text, pieceSize: size) == .accepted(.text))
        }
        // Every split point inside a four-byte character, fed through the array convenience.
        let emoji = Array("ab😀cd".utf8)
        for split in 1..<emoji.count {
            var sniffer = ContentSniffer()
            sniffer.update(Array(emoji[..<split]))
            sniffer.update(Array(emoji[split...]))
            #expect(sniffer.finish() == .accepted(.text))
        }
    }

    @Test func invalidUTF8IsNotText() {
        let prefix = Array("hello ".utf8)
        let invalid: [[UInt8]] = [
            [0xC0, 0x80],  // overlong NUL
            [0xE0, 0x80, 0x80],  // overlong
            [0xED, 0xA0, 0x80],  // surrogate
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
            [0x80],  // stray continuation byte
            [0xFF],
            [0xC3, 0x28],  // lead byte without its continuation
        ]
        for sequence in invalid {
            let bytes = prefix + sequence + Array(" world".utf8)
            #expect(Self.sniff(bytes) == Self.unknown)
            #expect(Self.sniff(bytes, pieceSize: 1) == Self.unknown)
        }
    }

    @Test func truncatedSequenceAtTheEndIsInvalid() {
        let bytes: [UInt8] = Array("price: 5 ".utf8) + [0xE2, 0x82]  // "€" is E2 82 AC
        #expect(Self.sniff(bytes) == Self.unknown)
        #expect(Self.sniff(bytes, pieceSize: 1) == Self.unknown)
        #expect(Self.sniff(bytes + [0xAC], pieceSize: 1) == .accepted(.text))
    }

    @Test func controlCharactersAreNotText() {
        #expect(Self.sniff("hello\u{0}world") == Self.unknown)
        #expect(Self.sniff("escape \u{1B}[31m red") == Self.unknown)
        #expect(Self.sniff("tab\there\r\nform feed\u{0C}\n") == .accepted(.text))
    }

    @Test func byteOrderMark() {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        #expect(Self.sniff(bom + Array("Plain text after a BOM.\n".utf8)) == .accepted(.text))
        #expect(Self.sniff(bom + Array("a,b\n1,2\n".utf8), pieceSize: 1) == .accepted(.csv))
        let html = Self.sniff(bom + Array("  \n<html><body>hi</body></html>".utf8))
        #expect(html == .refused(detected: "HTML document"))
        #expect(Self.sniff(bom) == .accepted(.text))
    }

    @Test func emptyFile() {
        #expect(Self.sniff([UInt8]()) == .refused(detected: "empty file"))
        var sniffer = ContentSniffer()
        sniffer.update([UInt8]())
        #expect(sniffer.finish() == .refused(detected: "empty file"))
    }

    @Test func markupIsRefused() {
        #expect(Self.sniff("<?xml version=\"1.0\"?>\n<root><item/></root>\n") == .refused(detected: "XML document"))
        #expect(Self.sniff("\n  <!DOCTYPE HTML>\n<p>hi</p>") == .refused(detected: "HTML document"))
        #expect(Self.sniff("<div><IFRAME src=x></iframe></div>") == .refused(detected: "HTML document"))
        #expect(Self.sniff("<?xml version=\"1.0\"?><SVG xmlns=\"http://www.w3.org/2000/svg\"/>") == .refused(detected: "SVG image"))
        // Markup is judged by the first character only.
        #expect(Self.sniff("Notes: use <script> tags carefully.\n") == .accepted(.text))
    }

    // MARK: CSV

    @Test func csvWithQuotedDelimiters() {
        let quoted = "name,comment\n\"Smith, J\",\"said \"\"hi, there\"\"\"\nLee,plain\n"
        #expect(Self.sniff(quoted) == .accepted(.csv))
        #expect(Self.sniff(quoted, pieceSize: 1) == .accepted(.csv))
        // Counting the quoted commas would give 1, 2 and 3 per line.
        let uneven = "a,b\n\"x, y\",z\n\"p, q, r\",s"
        #expect(Self.sniff(uneven) == .accepted(.csv))
        // A quoted field may hold a line break.
        #expect(Self.sniff("a,b\r\n\"two\r\nlines\",c\r\n") == .accepted(.csv))
    }

    @Test func csvDelimitersAndPlainText() {
        #expect(Self.sniff("a;b;c\n1;2;3\n") == .accepted(.csv))
        #expect(Self.sniff("a\tb\n1\t2\n") == .accepted(.csv))
        #expect(Self.sniff("a,b\n\n1,2\n") == .accepted(.csv))
        #expect(Self.sniff("a,b\nc,d,e\n") == .accepted(.text))
        #expect(Self.sniff("only,one,line\n") == .accepted(.text))
        #expect(Self.sniff("Hello, world.\nNo commas here.\n") == .accepted(.text))
        // Only the first five lines are compared.
        let six = "a,b\n1,2\n3,4\n5,6\n7,8\n9,10,11\n"
        #expect(Self.sniff(six) == .accepted(.csv))
    }

    @Test func csvIgnoresTheUnfinishedLastLineOfALongHead() {
        // Two complete lines, then a third cut off by the 64 KiB head, which does not count.
        let long = "a,b\n1,2\n" + String(repeating: "x", count: 70_000) + ",y,z\n"
        #expect(Self.sniff(long) == .accepted(.csv))
        let oneLine = "a,b\n" + String(repeating: "x", count: 70_000) + ",y\n"
        #expect(Self.sniff(oneLine) == .accepted(.text))
    }

    // MARK: Other signatures

    @Test func otherTypesAreNamed() {
        let cases: [([UInt8], String)] = [
            ([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00], "ELF executable"),
            (Array("MZ".utf8) + [0x90, 0x00, 0x03, 0x00], "Windows executable"),
            ([0xCF, 0xFA, 0xED, 0xFE, 0x07, 0x00, 0x00, 0x01], "Mach-O executable"),
            (Array("#!/bin/sh\necho hi\n".utf8), "shell script"),
            (Array("GIF89a".utf8) + [0x01, 0x00, 0x01, 0x00], "GIF image"),
            (Array("BM".utf8) + [0x3A, 0x00, 0x00, 0x00], "BMP image"),
            ([0x49, 0x49, 0x2A, 0x00, 0x08, 0x00], "TIFF image"),
            ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0x00], "legacy Microsoft Office (OLE2) file"),
            ([0x1F, 0x8B, 0x08, 0x00], "gzip archive"),
            ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0x00, 0x04], "7-Zip archive"),
            (Array("Rar!".utf8) + [0x1A, 0x07, 0x01, 0x00], "RAR archive"),
            ([0x00, 0x01, 0x02, 0x03, 0x80], "unknown binary data"),
        ]
        for (bytes, name) in cases {
            #expect(Self.sniff(bytes) == .refused(detected: name))
        }
        // Short ASCII signatures do not make real text a binary.
        #expect(Self.sniff("MZ is a postcode prefix.\n") == .accepted(.text))
        #expect(Self.sniff("BMW and Audi\n") == .accepted(.text))
    }

    @Test func acceptedSignaturesNeedOnlyTheirPrefix() {
        #expect(Self.sniff("%PDF-1.7\n%\u{E2}\u{E3}\n") == .accepted(.pdf))
        #expect(Self.sniff(#"{\rtf1\ansi hello}"#) == .accepted(.rtf))
        let webp: [UInt8] = Array("RIFF".utf8) + [0x10, 0, 0, 0] + Array("WEBPVP8 ".utf8)
        #expect(Self.sniff(webp, pieceSize: 1) == .accepted(.webp))
        let wave: [UInt8] = Array("RIFF".utf8) + [0x10, 0, 0, 0] + Array("WAVEfmt ".utf8) + [0, 0]
        #expect(Self.sniff(wave) == Self.unknown)
    }

    // MARK: ZIP

    @Test func zip64MarkersAreRefused() {
        var entry = TestZip.Entry(name: "big.bin", data: [1, 2, 3])
        entry.uncompressedSize = 0xFFFF_FFFF
        let sizeMarker = TestZip(entries: [entry]).bytes
        #expect(Self.sniff(sizeMarker) == .refused(detected: "ZIP64 archive"))

        var countMarker = TestZip(entries: [TestZip.Entry(name: "a.txt", data: [0x61])])
        countMarker.entryCountOverride = 0xFFFF
        #expect(Self.sniff(countMarker.bytes) == .refused(detected: "ZIP64 archive"))

        var extra = TestZip.Entry(name: "a.txt", data: [0x61])
        extra.extra = [0x01, 0x00, 0x08, 0x00] + [UInt8](repeating: 0, count: 8)
        #expect(Self.sniff(TestZip(entries: [extra]).bytes) == .refused(detected: "ZIP64 archive"))
    }

    @Test func encryptedEntriesAreRefused() {
        var entry = TestZip.Entry(name: "word/document.xml", data: Array(repeating: 0x41, count: 40))
        entry.flags = 0x0001
        let zip = TestZip(entries: [TestZip.Entry(name: "[Content_Types].xml", data: [0x3C]), entry])
        #expect(Self.sniff(zip.bytes) == .refused(detected: "encrypted ZIP archive"))
    }

    @Test func directoryTooLargeForTheTail() {
        // Five entries whose comments make a directory of about 300 KB, more than the 256 KiB kept.
        let entries = (0..<5).map { index in
            var entry = TestZip.Entry(name: "file\(index).txt", data: [0x61])
            entry.comment = [UInt8](repeating: 0x63, count: 60_000)
            return entry
        }
        let bytes = TestZip(entries: entries).bytes
        #expect(bytes.count > ContentSniffer.tailCapacity)
        #expect(Self.sniff(bytes, pieceSize: 4096) == .refused(detected: "ZIP archive with too large a directory"))
    }

    @Test func entryCountLimit() {
        var limits = ZipLimits()
        limits.maximumEntries = 3
        let four = TestZip(entries: (0..<4).map { TestZip.Entry(name: "f\($0).txt", data: [0x61]) }).bytes
        #expect(Self.sniff(four, limits: limits) == .refused(detected: "ZIP bomb (more than 3 entries)"))
        let three = TestZip(entries: (0..<3).map { TestZip.Entry(name: "f\($0).txt", data: [0x61]) }).bytes
        #expect(Self.sniff(three, limits: limits) == .refused(detected: "ZIP archive"))

        let many = TestZip(entries: (0..<2_001).map { TestZip.Entry(name: "f\($0)", data: []) }).bytes
        #expect(Self.sniff(many) == .refused(detected: "ZIP bomb (more than 2000 entries)"))
    }

    @Test func ratioLimit() {
        // 2 MiB from 10 KiB is about 205:1.
        var bomb = TestZip.Entry(name: "a.txt", data: [UInt8](repeating: 7, count: 10 * 1024))
        bomb.method = 8
        bomb.uncompressedSize = 2 * 1024 * 1024
        let refused = Self.sniff(TestZip(entries: [bomb]).bytes)
        #expect(refused == .refused(detected: "ZIP bomb (an entry expands more than 100 times)"))

        // 2 MiB from 30 KiB is about 68:1, within the limit.
        var fine = TestZip.Entry(name: "a.txt", data: [UInt8](repeating: 7, count: 30 * 1024))
        fine.method = 8
        fine.uncompressedSize = 2 * 1024 * 1024
        #expect(Self.sniff(TestZip(entries: [fine]).bytes) == .refused(detected: "ZIP archive"))

        // Entries up to 1 MiB are not held to the ratio.
        var small = TestZip.Entry(name: "a.txt", data: [7])
        small.method = 8
        small.uncompressedSize = 1024 * 1024
        #expect(Self.sniff(TestZip(entries: [small]).bytes) == .refused(detected: "ZIP archive"))

        var limits = ZipLimits()
        limits.maximumRatio = 1_000
        #expect(Self.sniff(TestZip(entries: [bomb]).bytes, limits: limits) == .refused(detected: "ZIP archive"))
    }

    @Test func totalUncompressedLimit() {
        var limits = ZipLimits()
        limits.maximumUncompressedBytes = 1_000
        let entries = (0..<3).map { TestZip.Entry(name: "f\($0).txt", data: [UInt8](repeating: 0x61, count: 400)) }
        let verdict = Self.sniff(TestZip(entries: entries).bytes, limits: limits)
        #expect(verdict == .refused(detected: "ZIP bomb (more than 1000 bytes uncompressed)"))

        var large = TestZip.Entry(name: "big.txt", data: [UInt8](repeating: 1, count: 10_000))
        large.method = 8
        large.uncompressedSize = 600 * 1024 * 1024
        // The default 512 MiB, with the ratio limit out of the way.
        var ratioOff = ZipLimits()
        ratioOff.maximumRatio = 1_000_000
        let total = Self.sniff(TestZip(entries: [large]).bytes, limits: ratioOff)
        #expect(total == .refused(detected: "ZIP bomb (more than 512 MiB uncompressed)"))
    }

    @Test func damagedArchives() {
        let good = TestZip(entries: [TestZip.Entry(name: "a.txt", data: [0x61])]).bytes
        #expect(Self.sniff(Array(good.dropLast(5))) == .refused(detected: "damaged ZIP archive"))
        #expect(Self.sniff([0x50, 0x4B, 0x03, 0x04, 0x14]) == .refused(detected: "damaged ZIP archive"))
        #expect(Self.sniff(good + [0x00]) == .refused(detected: "damaged ZIP archive"))
        var commented = TestZip(entries: [TestZip.Entry(name: "a.txt", data: [0x61])])
        commented.comment = Array("PK\u{5}\u{6} inside a comment".utf8)
        #expect(Self.sniff(commented.bytes) == .refused(detected: "ZIP archive"))
    }

    @Test func officeDocumentsByEntryNames() {
        func office(_ names: [String]) -> [UInt8] {
            TestZip(entries: (["[Content_Types].xml"] + names).map { TestZip.Entry(name: $0, data: [0x3C]) }).bytes
        }
        #expect(Self.sniff(office(["_rels/.rels", "word/document.xml"])) == .accepted(.docx))
        #expect(Self.sniff(office(["xl/workbook.xml"])) == .accepted(.xlsx))
        #expect(Self.sniff(office(["ppt/presentation.xml"])) == .accepted(.pptx))
        #expect(Self.sniff(office(["docProps/app.xml"])) == .refused(detected: "ZIP archive"))

        let xlsm = Self.sniff(office(["xl/workbook.xml", "xl/macrosheets/sheet1.xml"]))
        #expect(xlsm == .refused(detected: "macro-enabled Excel workbook (XLSM)"))
        let pptm = Self.sniff(office(["ppt/presentation.xml", "PPT/VbaProject.BIN"]))
        #expect(pptm == .refused(detected: "macro-enabled PowerPoint presentation (PPTM)"))
        let vbaData = Self.sniff(office(["word/document.xml", "word/vbaData.xml"]))
        #expect(vbaData == .refused(detected: "macro-enabled Word document (DOCM)"))
        let activeX = Self.sniff(office(["word/document.xml", "word/activeX/activeX1.xml"]))
        #expect(activeX == .refused(detected: "Office document with ActiveX controls"))
        // Without [Content_Types].xml it is just an archive.
        let bare = TestZip(entries: [TestZip.Entry(name: "word/document.xml", data: [0x3C])]).bytes
        #expect(Self.sniff(bare) == .refused(detected: "ZIP archive"))
    }

    @Test func openDocumentByMimetypeEntry() {
        func odf(_ mimetype: String, method: UInt16 = 0, others: [String] = ["content.xml"]) -> [UInt8] {
            var first = TestZip.Entry(name: "mimetype", data: Array(mimetype.utf8))
            first.method = method
            return TestZip(entries: [first] + others.map { TestZip.Entry(name: $0, data: [0x3C]) }).bytes
        }
        #expect(Self.sniff(odf("application/vnd.oasis.opendocument.text"), pieceSize: 3) == .accepted(.odt))
        #expect(Self.sniff(odf("application/vnd.oasis.opendocument.spreadsheet")) == .accepted(.ods))
        #expect(Self.sniff(odf("application/vnd.oasis.opendocument.presentation")) == .accepted(.odp))
        #expect(Self.sniff(odf("application/vnd.oasis.opendocument.graphics")) == .refused(detected: "ZIP archive"))
        // The mimetype must be stored, not compressed.
        #expect(Self.sniff(odf("application/vnd.oasis.opendocument.text", method: 8)) == .refused(detected: "ZIP archive"))
        let basic = odf("application/vnd.oasis.opendocument.text", others: ["content.xml", "Basic/Standard/Module1.xml"])
        #expect(Self.sniff(basic) == .refused(detected: "OpenDocument file with macros"))
        let scripts = odf("application/vnd.oasis.opendocument.spreadsheet", others: ["Scripts/python/run.py"])
        #expect(Self.sniff(scripts) == .refused(detected: "OpenDocument file with macros"))
        // A mimetype entry that is not the first file does not count.
        let late = TestZip(entries: [
            TestZip.Entry(name: "content.xml", data: [0x3C]),
            TestZip.Entry(name: "mimetype", data: Array("application/vnd.oasis.opendocument.text".utf8)),
        ]).bytes
        #expect(Self.sniff(late) == .refused(detected: "ZIP archive"))
    }

    // MARK: Bounded memory

    static let retainedLimit = ContentSniffer.headCapacity + ContentSniffer.tailCapacity

    /// Feeds `bytes` in pieces of changing sizes (1 byte to 1 MiB), checking the retained bytes after each.
    static func feedChecking(_ bytes: [UInt8], into sniffer: inout ContentSniffer) -> Int {
        let sizes = [1, 7, 4096, 65_537, 1_048_576, 300_001, 13]
        var largest = 0
        var start = 0
        var turn = 0
        bytes.withUnsafeBytes { all in
            while start < all.count {
                let end = min(start + sizes[turn % sizes.count], all.count)
                sniffer.update(UnsafeRawBufferPointer(rebasing: all[start..<end]))
                largest = max(largest, sniffer.retainedByteCount)
                start = end
                turn += 1
            }
        }
        return largest
    }

    @Test func fiveMebibytePDFKeepsOnlyTheHead() {
        let block = (0..<65_536).map { _ in UInt8.random(in: 0...255) }
        var bytes = Array("%PDF-1.7\n".utf8)
        for _ in 0..<80 { bytes += block }  // 5 MiB
        var sniffer = ContentSniffer()
        let largest = Self.feedChecking(bytes, into: &sniffer)
        #expect(largest <= Self.retainedLimit)
        #expect(sniffer.retainedByteCount == ContentSniffer.headCapacity)
        #expect(sniffer.finish() == .accepted(.pdf))
    }

    @Test func fiveMebibyteOpenDocumentKeepsHeadAndTail() {
        let mimetype = TestZip.Entry(name: "mimetype", data: Array("application/vnd.oasis.opendocument.text".utf8))
        let content = TestZip.Entry(name: "content.xml", data: [UInt8](repeating: 0x20, count: 5 * 1024 * 1024))
        let bytes = TestZip(entries: [mimetype, content, TestZip.Entry(name: "styles.xml", data: [0x3C])]).bytes
        var sniffer = ContentSniffer()
        let largest = Self.feedChecking(bytes, into: &sniffer)
        #expect(largest <= Self.retainedLimit)
        #expect(sniffer.retainedByteCount == Self.retainedLimit)
        #expect(sniffer.finish() == .accepted(.odt))
        // The same file in single bytes for its last 300,000 bytes, so the ring buffer wraps byte by byte.
        var again = ContentSniffer()
        let cut = bytes.count - 300_000
        again.update(Array(bytes[..<cut]))
        for byte in bytes[cut...] { again.update([byte]) }
        #expect(again.retainedByteCount == Self.retainedLimit)
        #expect(again.finish() == .accepted(.odt))
    }
}

/// Builds small ZIP archives with chosen header fields; the data is written as given (never compressed).
struct TestZip {
    struct Entry {
        var name: String
        /// The bytes written as the entry's compressed data.
        var data: [UInt8]
        var method: UInt16 = 0
        var flags: UInt16 = 0
        /// The uncompressed size to declare; the data's length when nil.
        var uncompressedSize: UInt32?
        var extra: [UInt8] = []
        var comment: [UInt8] = []

        init(name: String, data: [UInt8]) {
            self.name = name
            self.data = data
        }
    }

    var entries: [Entry]
    var entryCountOverride: UInt16?
    var comment: [UInt8] = []

    init(entries: [Entry]) {
        self.entries = entries
    }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        var directory: [UInt8] = []
        for entry in entries {
            let offset = UInt32(out.count)
            let name = Array(entry.name.utf8)
            let compressed = UInt32(entry.data.count)
            let uncompressed = entry.uncompressedSize ?? compressed
            out.le32(0x04034B50)
            out.le16(20)
            out.le16(entry.flags)
            out.le16(entry.method)
            out.le32(0)  // time and date
            out.le32(0)  // CRC, not checked
            out.le32(compressed)
            out.le32(uncompressed)
            out.le16(UInt16(name.count))
            out.le16(0)
            out += name
            out += entry.data

            directory.le32(0x02014B50)
            directory.le16(20)
            directory.le16(20)
            directory.le16(entry.flags)
            directory.le16(entry.method)
            directory.le32(0)
            directory.le32(0)
            directory.le32(compressed)
            directory.le32(uncompressed)
            directory.le16(UInt16(name.count))
            directory.le16(UInt16(entry.extra.count))
            directory.le16(UInt16(entry.comment.count))
            directory.le16(0)  // disk
            directory.le16(0)  // internal attributes
            directory.le32(0)  // external attributes
            directory.le32(offset)
            directory += name
            directory += entry.extra
            directory += entry.comment
        }
        let directoryOffset = UInt32(out.count)
        out += directory
        let count = entryCountOverride ?? UInt16(entries.count)
        out.le32(0x06054B50)
        out.le16(0)
        out.le16(0)
        out.le16(count)
        out.le16(count)
        out.le32(UInt32(directory.count))
        out.le32(directoryOffset)
        out.le16(UInt16(comment.count))
        out += comment
        return out
    }
}

extension [UInt8] {
    mutating func le16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func le32(_ value: UInt32) {
        le16(UInt16(truncatingIfNeeded: value))
        le16(UInt16(truncatingIfNeeded: value >> 16))
    }
}
