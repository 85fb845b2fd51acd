import NIOCore
import Testing

@testable import HavenAPI

@Suite struct MultipartParserTests {
    // MARK: Fixtures

    static let boundary = "----HavenBoundary7MA4YWxkTrZu0gW"

    static let json = Array(#"{"title":"Quarterly report","tags":["prevention","victims"]}"#.utf8)

    /// Bytes 0…255 twice, then look-alikes of the delimiter that are not it, ending in CRLF.
    static let file: [UInt8] = {
        let pattern = (0...255).map { UInt8($0) }
        let prefix = "--" + String(boundary.dropLast())
        var bytes = pattern + pattern
        bytes += Array("\r\n--".utf8)
        bytes += Array("\r\n--bound".utf8)
        bytes += Array("\r\n\(prefix)X".utf8)
        bytes += Array("x--\(boundary)\n--\(boundary)".utf8)
        bytes += Array("\r\r\n\(prefix)".utf8)
        bytes += pattern
        bytes += Array("\r\n".utf8)
        return bytes
    }()

    static let metadataHeaders = MultipartPartHeaders(name: "metadata", filename: nil, contentType: "application/json")
    static let fileHeaders = MultipartPartHeaders(
        name: "file", filename: "report.bin", contentType: "application/octet-stream")

    /// A JSON field and a binary file part.
    static let twoPartBody: [UInt8] = {
        var body = Array("--\(boundary)\r\n".utf8)
        body += Array("Content-Disposition: form-data; name=\"metadata\"\r\n".utf8)
        body += Array("Content-Type: application/json\r\n\r\n".utf8)
        body += json
        body += Array("\r\n--\(boundary)\r\n".utf8)
        body += Array("Content-Disposition: form-data; name=\"file\"; filename=\"report.bin\"\r\n".utf8)
        body += Array("Content-Type: application/octet-stream\r\n\r\n".utf8)
        body += file
        body += Array("\r\n--\(boundary)--".utf8)
        return body
    }()

    static let twoParts = [Part(headers: metadataHeaders, body: json), Part(headers: fileHeaders, body: file)]

    // MARK: Whole bodies and every split

    @Test func parsesTwoPartsFedWhole() throws {
        let parts = try parse(Self.twoPartBody, boundary: Self.boundary)
        #expect(parts == Self.twoParts)
    }

    @Test func parsesTwoPartsSplitAtEveryPoint() throws {
        let body = Self.twoPartBody
        for split in 0...body.count {
            let parts = try parse(body, boundary: Self.boundary, splits: [split])
            #expect(parts == Self.twoParts, "split at \(split)")
        }
    }

    @Test(arguments: [1, 2, 3, 7, 64])
    func parsesTwoPartsInSmallPieces(size: Int) throws {
        let parts = try parse(Self.twoPartBody, boundary: Self.boundary, pieceSize: size)
        #expect(parts == Self.twoParts)
    }

    @Test func bodyBytesAreSlicesOfTheInputNotCopies() throws {
        let input = ByteBuffer(bytes: Self.twoPartBody)
        var parser = MultipartParser(boundary: Self.boundary)
        let events = try parser.feed(input)
        #expect(try parser.finish().isEmpty)
        let bodies = events.compactMap { event -> ByteBuffer? in if case .body(let bytes) = event { bytes } else { nil } }
        #expect(bodies.count == 2, "one slice per part when fed whole")
        let inputStart = input.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        let jsonOffset = try #require(Self.twoPartBody.firstRange(of: Self.json)?.lowerBound)
        let firstStart = bodies.first?.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        #expect(firstStart == inputStart + UInt(jsonOffset))
    }

    @Test func emptyPartBody() throws {
        let body = Array("--b\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n--b--\r\n".utf8)
        for split in 0...body.count {
            var parser = MultipartParser(boundary: "b")
            var events = try parser.feed(ByteBuffer(bytes: body[..<split]))
            events += try parser.feed(ByteBuffer(bytes: body[split...]))
            events += try parser.finish()
            let expected: [MultipartEvent] = [
                .partStart(MultipartPartHeaders(name: "empty", filename: nil, contentType: nil)), .partEnd,
            ]
            #expect(events == expected, "split at \(split)")
        }
    }

    @Test func emptyFormHasNoParts() throws {
        #expect(try parse(Array("--b--".utf8), boundary: "b").isEmpty)
        #expect(try parse(Array("preamble\r\n--b--\r\n".utf8), boundary: "b").isEmpty)
    }

    @Test func preambleAndEpilogueAreIgnored() throws {
        var body = Array("This is the preamble. It mentions --simple-boundary mid-line\r\nand -- \r\n--simple".utf8)
        body += Array("\r\n--simple-boundary \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nfirst".utf8)
        body += Array("\r\n--simple-boundary\r\ncontent-disposition: FORM-DATA; NAME=b\r\n\r\nsecond".utf8)
        body += Array("\r\n--simple-boundary--  \r\nThe epilogue: \r\n--simple-boundary\r\nignored\r\n--simple-boundary--".utf8)
        let expected = [
            Part(headers: MultipartPartHeaders(name: "a", filename: nil, contentType: nil), body: Array("first".utf8)),
            Part(headers: MultipartPartHeaders(name: "b", filename: nil, contentType: nil), body: Array("second".utf8)),
        ]
        for split in 0...body.count {
            let parts = try parse(body, boundary: "simple-boundary", splits: [split])
            #expect(parts == expected, "split at \(split)")
        }
    }

    @Test func firstDelimiterMayFollowAPreambleOrOpenTheBody() throws {
        let part = "Content-Disposition: form-data; name=x\r\n\r\nvalue\r\n--b--"
        let atStart = try parse(Array("--b\r\n\(part)".utf8), boundary: "b")
        let afterPreamble = try parse(Array("\r\n--b\r\n\(part)".utf8), boundary: "b")
        let expected = [Part(headers: MultipartPartHeaders(name: "x", filename: nil, contentType: nil), body: Array("value".utf8))]
        #expect(atStart == expected)
        #expect(afterPreamble == expected)
    }

    // MARK: Boundary

    @Test func boundaryFromContentType() throws {
        let quoted = try MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=\"a:b c'(x)?\"")
        #expect(quoted == "a:b c'(x)?")
        let plain = try MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=----WebKitFormBoundaryu7oxE")
        #expect(plain == "----WebKitFormBoundaryu7oxE")
        let mixedCase = try MultipartParser.boundary(fromContentType: "Multipart/Form-Data ; charset=utf-8;BOUNDARY = xyz ")
        #expect(mixedCase == "xyz")
        let escaped = try MultipartParser.boundary(fromContentType: #"multipart/form-data; boundary="a\bc""#)
        #expect(escaped == "abc")
        let longest = String(repeating: "z", count: 70)
        #expect(try MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=\(longest)") == longest)
    }

    @Test(arguments: [
        "multipart/form-data",
        "multipart/form-data; charset=utf-8",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"\"",
        "multipart/form-data; boundary=\(String(repeating: "z", count: 71))",
        "multipart/form-data; boundary=abc{}",
        "multipart/form-data; boundary=\"abc \"",
        "multipart/form-data; boundary=\"a\r\nb\"",
        "multipart/form-data; boundary=\"abc",
        "multipart/form-data; boundary=abc; boundary=abd",
        "multipart/form-data; boundary=abc, text/plain",
        "multipart/form-data; boundary=(abc)",
        "multipart/mixed; boundary=abc",
        "text/plain; boundary=abc",
        "boundary=abc",
        "",
    ])
    func boundaryRefusals(contentType: String) {
        #expect(throws: MultipartError.missingBoundary) {
            try MultipartParser.boundary(fromContentType: contentType)
        }
    }

    @Test func unusableBoundaryGivenToTheParserIsRefusedOnFirstUse() {
        var parser = MultipartParser(boundary: "bad\r\nboundary")
        #expect(throws: MultipartError.missingBoundary) { try parser.feed(ByteBuffer(string: "--bad")) }
        var empty = MultipartParser(boundary: "")
        #expect(throws: MultipartError.missingBoundary) { try empty.finish() }
    }

    // MARK: Limits and refusals

    @Test func headersTooLarge() throws {
        // 64 bytes of header lines, CRLFs included, are allowed; 65 are not.
        let line = "Content-Disposition: form-data; name=\"f\"\r\n"
        let padding = 64 - line.utf8.count - "X-Pad: \r\n".utf8.count
        let fits = "--b\r\n\(line)X-Pad: \(String(repeating: "p", count: padding))\r\n\r\nv\r\n--b--"
        let tooBig = "--b\r\n\(line)X-Pad: \(String(repeating: "p", count: padding + 1))\r\n\r\nv\r\n--b--"
        for size in [1, 5, 1000] {
            let parts = try parse(Array(fits.utf8), boundary: "b", maximumHeaderBytes: 64, pieceSize: size)
            #expect(parts.map(\.headers.name) == ["f"])
            #expect(throws: MultipartError.headersTooLarge(limit: 64)) {
                try parse(Array(tooBig.utf8), boundary: "b", maximumHeaderBytes: 64, pieceSize: size)
            }
        }
        // Endless header bytes never make the parser hold more than the limit and a terminator.
        var parser = MultipartParser(boundary: "b", maximumHeaderBytes: 64)
        _ = try parser.feed(ByteBuffer(string: "--b\r\nX: "))
        #expect(throws: MultipartError.headersTooLarge(limit: 64)) {
            for _ in 0..<100 {
                _ = try parser.feed(ByteBuffer(repeating: UInt8(ascii: "x"), count: 7))
                #expect(parser.retainedByteCount <= 64 + 4)
            }
        }
    }

    @Test func tooManyParts() throws {
        func body(parts: Int) -> [UInt8] {
            var text = ""
            for index in 0..<parts {
                text += "--b\r\nContent-Disposition: form-data; name=\"f\(index)\"\r\n\r\n\(index)\r\n"
            }
            return Array((text + "--b--").utf8)
        }
        #expect(try parse(body(parts: 2), boundary: "b", maximumParts: 2).count == 2)
        #expect(throws: MultipartError.tooManyParts(limit: 2)) {
            try parse(body(parts: 3), boundary: "b", maximumParts: 2)
        }
        #expect(try parse(body(parts: 16), boundary: "b").count == 16)
        #expect(throws: MultipartError.tooManyParts(limit: 16)) { try parse(body(parts: 17), boundary: "b") }
    }

    @Test func truncatedBodyAtEveryLength() throws {
        let body = Self.twoPartBody
        for length in 0..<body.count {
            var parser = MultipartParser(boundary: Self.boundary)
            _ = try parser.feed(ByteBuffer(bytes: body[..<length]))
            #expect(throws: MultipartError.truncated, "length \(length)") { try parser.finish() }
        }
    }

    @Test func partHeadersWithoutFormDataDispositionAreRefused() {
        let cases = [
            "Content-Type: text/plain\r\n\r\n",
            "\r\n",
            "Content-Disposition: attachment; name=\"x\"\r\n\r\n",
            "Content-Disposition: form-data-ish; name=\"x\"\r\n\r\n",
        ]
        for headers in cases {
            let body = Array("--b\r\n\(headers)value\r\n--b--".utf8)
            #expect(throws: MultipartError.malformed("part headers without Content-Disposition: form-data")) {
                try parse(body, boundary: "b")
            }
        }
        let nameless = Array("--b\r\nContent-Disposition: form-data; filename=\"a.txt\"\r\n\r\nv\r\n--b--".utf8)
        #expect(throws: MultipartError.malformed("Content-Disposition: form-data without a name")) {
            try parse(nameless, boundary: "b")
        }
    }

    @Test(arguments: [
        "Content-Disposition: form-data; name=\"a\"; name=\"b\"",
        "Content-Disposition: form-data; name=\"a",
        "Content-Disposition: form-data; name=\"a\" x",
        "Content-Disposition: form-data; name",
        "Content-Disposition: form-data; name=a; filename=two words.txt",
        "Content-Disposition: form-data; name=a,b",
        "Content-Disposition: form-data; name=\"a\"\r\nContent-Disposition: form-data; name=\"b\"",
        "Content-Disposition: form-data; name=\"a\"\r\nContent-Type: a\r\nContent-Type: b",
        "Content-Disposition : form-data; name=\"a\"",
        "Content-Disposition: form-data; name=\"a\"\r\nno colon here",
        "Content-Disposition: form-data; name=\"a\rb\"",
        "Content-Disposition: form-data; name=\"a\nb\"",
        "Content-Disposition: form-data; name=\"a\u{0}b\"",
        "Content-Disposition: form-data; name=\"a\"; filename*=UTF-8''bad%zz",
        "Content-Disposition: form-data; name=\"a\"; filename*=UTF-8''%00.txt",
        "Content-Disposition: form-data; name=\"a\"; filename*=UTF-8''%FF.txt",
        "Content-Disposition: form-data; name=\"a\"; filename*=KOI8-R''x",
        "Content-Disposition: form-data; name=\"a\"; filename*=no-quotes",
        " Content-Disposition: form-data; name=\"a\"",
    ])
    func malformedPartHeaders(headers: String) {
        let body = Array("--b\r\n\(headers)\r\n\r\nvalue\r\n--b--".utf8)
        let error = #expect(throws: MultipartError.self) { try parse(body, boundary: "b") }
        if case .malformed = error {} else { Issue.record("expected .malformed, got \(String(describing: error))") }
    }

    @Test func nonUTF8HeaderBytesAreRefused() {
        var body = Array("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"".utf8)
        body += [0x66, 0xFF, 0xFE, 0x2E, 0x74]
        body += Array("\"\r\n\r\nv\r\n--b--".utf8)
        #expect(throws: MultipartError.malformed("part headers are not UTF-8")) { try parse(body, boundary: "b") }
    }

    @Test func delimiterFollowedByAnythingButCRLFOrDashesIsRefused() {
        for tail in ["X", "-X", " -", "\rX", "\n"] {
            let body = Array("--b\r\nContent-Disposition: form-data; name=x\r\n\r\nv\r\n--b\(tail)\r\n--b--".utf8)
            #expect(throws: MultipartError.malformed("boundary delimiter not followed by CRLF or \"--\"")) {
                try parse(body, boundary: "b")
            }
        }
    }

    @Test func aFailedParserKeepsFailing() throws {
        var parser = MultipartParser(boundary: "b")
        _ = try parser.feed(ByteBuffer(string: "--b\r\n"))
        #expect(throws: MultipartError.self) { try parser.feed(ByteBuffer(string: "\r\nx")) }
        #expect(parser.retainedByteCount == 0)
        let error = MultipartError.malformed("part headers without Content-Disposition: form-data")
        #expect(throws: error) { try parser.feed(ByteBuffer(string: "\r\n--b--")) }
        #expect(throws: error) { try parser.finish() }
    }

    // MARK: Header values

    @Test func dispositionParameters() throws {
        let cases: [(String, MultipartPartHeaders)] = [
            (#"form-data; name="say \"hi\""; filename="C:\\dir\\a.txt""#,
             MultipartPartHeaders(name: #"say "hi""#, filename: #"C:\dir\a.txt"#, contentType: nil)),
            ("form-data;name=plain;filename=plain.txt ",
             MultipartPartHeaders(name: "plain", filename: "plain.txt", contentType: nil)),
            ("form-data; name=\"f\"; filename=\"\"",
             MultipartPartHeaders(name: "f", filename: "", contentType: nil)),
            ("form-data; name=\"f\"; filename=\"résumé 履歴書.pdf\"",
             MultipartPartHeaders(name: "f", filename: "résumé 履歴書.pdf", contentType: nil)),
            ("form-data; name=\"\"", MultipartPartHeaders(name: "", filename: nil, contentType: nil)),
        ]
        for (disposition, expected) in cases {
            let body = Array("--b\r\nContent-Disposition: \(disposition)\r\n\r\nv\r\n--b--".utf8)
            let parts = try parse(body, boundary: "b")
            #expect(parts.first?.headers == expected, "\(disposition)")
        }
    }

    @Test func extendedFilenameIsDecodedAndPreferred() throws {
        let cases: [(String, String)] = [
            (#"filename="fallback.txt"; filename*=UTF-8''%E2%82%AC%20rates.txt"#, "€ rates.txt"),
            (#"filename*=utf-8'en'%e2%82%ac-%C3%A9t%C3%A9.pdf; filename="fallback.txt""#, "€-été.pdf"),
            (#"filename*="UTF-8''quoted%20name.txt""#, "quoted name.txt"),
            (#"filename*=ISO-8859-1''caf%E9.txt"#, "café.txt"),
            (#"FILENAME*=UTF-8''%E6%96%87%E6%9B%B8.odt"#, "文書.odt"),
        ]
        for (parameters, expected) in cases {
            let body = Array("--b\r\nContent-Disposition: form-data; name=\"f\"; \(parameters)\r\n\r\nv\r\n--b--".utf8)
            let parts = try parse(body, boundary: "b")
            #expect(parts.first?.headers.filename == expected, "\(parameters)")
        }
    }

    @Test func otherHeadersFoldingAndCase() throws {
        var text = "--b\r\ncontent-type:   text/plain;\tcharset=utf-8  \r\nX-Other: ignored\r\n"
        text += "CONTENT-DISPOSITION: form-data;\r\n\tname=\"folded\"\r\n\r\nv\r\n--b--"
        let parts = try parse(Array(text.utf8), boundary: "b")
        let expected = MultipartPartHeaders(name: "folded", filename: nil, contentType: "text/plain; charset=utf-8")
        #expect(parts.first?.headers == expected)
    }

    // MARK: Random bodies

    @Test func randomBodiesSplitRandomly() throws {
        var random = SplitMix64(seed: 0x4841_5645_4E)
        for round in 0..<300 {
            let boundaryLength = Int(random.next() % 12) + 1
            let alphabet = Array("ab-_' ".utf8)
            let letters = (0..<boundaryLength).map { _ in alphabet[Int(random.next() % 6)] }
            let boundary = String(decoding: letters, as: UTF8.self)
            guard !boundary.hasSuffix(" ") else { continue }  // RFC 2046: a boundary cannot end in a space
            let delimiter = Array("\r\n--\(boundary)".utf8)
            var expected: [Part] = []
            var body = Array("preamble \r\n-".utf8)
            for index in 0..<Int(random.next() % 5) {
                // Body bytes drawn from CR, LF, '-' and the boundary's own letters, so near-misses abound.
                var content: [UInt8] = []
                let pieces = Array("\r\n-ab_'x".utf8) + [0, 255]
                for _ in 0..<Int(random.next() % 200) {
                    if random.next() % 8 == 0 {
                        content += delimiter.prefix(Int(random.next() % UInt64(delimiter.count)))
                    } else {
                        content.append(pieces[Int(random.next() % UInt64(pieces.count))])
                    }
                }
                // Generators choose a boundary absent from the content: drop any real delimiter.
                guard content.firstRange(of: delimiter) == nil else { continue }
                let headers = MultipartPartHeaders(name: "f\(index)", filename: nil, contentType: nil)
                body += Array("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=f\(index)\r\n\r\n".utf8)
                body += content
                expected.append(Part(headers: headers, body: content))
            }
            body += Array("\r\n--\(boundary)--\r\nepilogue".utf8)
            var splits: [Int] = []
            var position = 0
            while position < body.count {
                position += Int(random.next() % 40) + 1
                splits.append(min(position, body.count))
            }
            let parts = try parse(body, boundary: boundary, maximumParts: 16, splits: splits)
            #expect(parts == expected, "round \(round), boundary \(boundary)")
        }
    }

    // MARK: Large bodies

    @Test func fiftyMebibytesStreamInBoundedMemory() throws {
        let size = 50 * 1024 * 1024
        let boundary = Self.boundary
        var body = ByteBufferAllocator().buffer(capacity: size + 1024)
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\r\n")
        let contentStart = body.writerIndex
        let pattern = (0...255).map { UInt8($0) } + Array("\r\n--\(boundary.dropLast(3))".utf8)
        while body.writerIndex - contentStart + pattern.count <= size { body.writeBytes(pattern) }
        body.writeBytes(pattern.prefix(size - (body.writerIndex - contentStart)))
        let contentEnd = body.writerIndex
        body.writeString("\r\n--\(boundary)--\r\n")

        // Three passes, each with a fresh parser; the fastest is reported (the machine may be busy).
        var fastest = Duration.seconds(3600)
        var events: [MultipartEvent] = []
        var maximumRetained = 0
        for _ in 0..<3 {
            var parser = MultipartParser(boundary: boundary)
            events = []
            let elapsed = try ContinuousClock().measure {
                var offset = 0
                while offset < body.writerIndex {
                    let length = min(64 * 1024, body.writerIndex - offset)
                    guard let piece = body.getSlice(at: offset, length: length) else { break }
                    events += try parser.feed(piece)
                    maximumRetained = max(maximumRetained, parser.retainedByteCount)
                    offset += length
                }
                events += try parser.finish()
            }
            fastest = min(fastest, elapsed)
        }
        let seconds = Double(fastest.components.seconds) + Double(fastest.components.attoseconds) / 1e18
        let rate = Double(body.readableBytes) / 1_048_576 / max(seconds, 1e-9)
        print("MultipartParser: 50 MiB in 64 KiB pieces in \(seconds) s (fastest of 3): \(Int(rate)) MiB/s")

        #expect(maximumRetained <= boundary.utf8.count + 8)
        #expect(maximumRetained > 0, "some pieces end inside a delimiter look-alike")
        #expect(events.first == .partStart(MultipartPartHeaders(name: "file", filename: "big.bin", contentType: nil)))
        #expect(events.last == .partEnd)
        // The bodies, in order, are exactly the content bytes.
        var position = contentStart
        var mismatches = 0
        for case .body(let slice) in events {
            if body.getSlice(at: position, length: slice.readableBytes) != slice { mismatches += 1 }
            position += slice.readableBytes
        }
        #expect(mismatches == 0)
        #expect(position == contentEnd)
    }
}

// MARK: - Helpers

// Nested in the suite so that the names cannot clash with other tests of the module.
extension MultipartParserTests {
    /// A part as the events describe it, body bytes joined.
    struct Part: Equatable, CustomStringConvertible {
        var headers: MultipartPartHeaders
        var body: [UInt8]
        var description: String { "\(self.headers) with \(self.body.count) bytes" }
    }

    /// Parses `body` fed in pieces cut at `splits`, checks the event order, and returns the parts.
    func parse(
        _ body: [UInt8], boundary: String, maximumHeaderBytes: Int = 8 * 1024, maximumParts: Int = 16, splits: [Int] = []
    ) throws(MultipartError) -> [Part] {
        var parser = MultipartParser(boundary: boundary, maximumHeaderBytes: maximumHeaderBytes, maximumParts: maximumParts)
        var events: [MultipartEvent] = []
        var start = 0
        for split in splits + [body.count] {
            events += try parser.feed(ByteBuffer(bytes: body[start..<split]))
            #expect(parser.retainedByteCount <= max(maximumHeaderBytes + 4, boundary.utf8.count + 8))
            start = split
        }
        events += try parser.finish()
        return collect(events)
    }

    /// Parses `body` fed in pieces of `pieceSize` bytes.
    func parse(
        _ body: [UInt8], boundary: String, maximumHeaderBytes: Int = 8 * 1024, pieceSize: Int
    ) throws(MultipartError) -> [Part] {
        let splits = Array(stride(from: pieceSize, to: body.count, by: pieceSize))
        return try parse(body, boundary: boundary, maximumHeaderBytes: maximumHeaderBytes, splits: splits)
    }

    /// The parts the events describe; records an issue when they are out of order or a body is empty.
    func collect(_ events: [MultipartEvent]) -> [Part] {
        var parts: [Part] = []
        var open = false
        for event in events {
            switch event {
            case .partStart(let headers):
                if open { Issue.record("partStart inside a part") }
                parts.append(Part(headers: headers, body: []))
                open = true
            case .body(let buffer):
                guard open, !parts.isEmpty else {
                    Issue.record("body outside a part")
                    continue
                }
                if buffer.readableBytes == 0 { Issue.record("empty body event") }
                parts[parts.count - 1].body += buffer.readableBytesView
            case .partEnd:
                if !open { Issue.record("partEnd outside a part") }
                open = false
            }
        }
        if open { Issue.record("events end inside a part") }
        return parts
    }

    /// A small seeded generator, so that random tests are reproducible.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { self.state = seed }
        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var value = self.state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }
}
