import Foundation
import NIOCore

/// A streaming multipart/form-data parser (RFC 7578, RFC 2046) fed pieces of any size: it emits body bytes
/// as slices of its input, holding back only what could begin a delimiter, so memory never grows with the body.
struct MultipartParser: Sendable {
    /// Where the parser is in the body.
    private enum State: Sendable {
        /// Before the first delimiter: bytes are discarded.
        case preamble
        /// After `--boundary`: expecting transport padding and CRLF, or `--` for the closing delimiter.
        case delimiterTail(afterPart: Bool, step: TailStep)
        /// Reading a part's header lines up to the blank line.
        case headers
        /// Inside a part's body: bytes are emitted.
        case body
        /// After the closing delimiter: bytes are discarded.
        case epilogue
        /// An error was thrown; every later call throws it again.
        case failed(MultipartError)
    }

    /// Progress through the bytes that follow `--boundary`.
    private enum TailStep: Sendable {
        case start, padding, dash, carriageReturn
    }

    /// The result of searching bytes for the delimiter.
    private enum Scan {
        /// The whole delimiter starts at this offset.
        case found(Int)
        /// The bytes from this offset to the end are a proper prefix of the delimiter.
        case partial(Int)
        case notFound
    }

    /// `CRLF--boundary`; it holds a single CR (boundaries cannot contain one), which the scan relies on.
    private let delimiter: [UInt8]
    private let maximumHeaderBytes: Int
    private let maximumParts: Int
    private var state: State
    private var partCount = 0
    /// A proper prefix of the delimiter seen at the end of the last piece (always starts with CR).
    private var carry: ByteBuffer
    /// The current part's header bytes so far, after a virtual CRLF so that an empty header block is found too.
    private var headerBytes: ByteBuffer

    /// The bytes the parser holds between calls: at most the delimiter length while in a body,
    /// at most `maximumHeaderBytes + 4` while reading headers.
    var retainedByteCount: Int { self.carry.readableBytes + self.headerBytes.readableBytes }

    /// Reads the boundary from a Content-Type value such as `multipart/form-data; boundary="abc"` (quoted or not;
    /// 1–70 chars per RFC 2046); throws .missingBoundary otherwise (also when the media type is not multipart/form-data).
    static func boundary(fromContentType value: String) throws(MultipartError) -> String {
        let parsed: (type: [UInt8], parameters: [(name: String, value: [UInt8])])
        do {
            parsed = try HeaderValue.parse(Array(value.utf8), what: "Content-Type")
        } catch {
            throw .missingBoundary
        }
        guard HeaderValue.equalsIgnoringCase(parsed.type, "multipart/form-data") else { throw .missingBoundary }
        guard let raw = parsed.parameters.first(where: { $0.name == "boundary" })?.value,
              Self.isValidBoundary(raw),
              let boundary = String(validating: raw, as: UTF8.self)
        else { throw .missingBoundary }
        return boundary
    }

    /// A parser for a body whose parts are separated by `boundary` (as returned by `boundary(fromContentType:)`).
    /// An unusable boundary makes the first `feed` or `finish` throw `.missingBoundary`.
    init(boundary: String, maximumHeaderBytes: Int = 8 * 1024, maximumParts: Int = 16) {
        let boundaryBytes = Array(boundary.utf8)
        self.delimiter = [0x0D, 0x0A, 0x2D, 0x2D] + boundaryBytes
        // Clamped so that the arithmetic on them cannot overflow.
        self.maximumHeaderBytes = min(max(maximumHeaderBytes, 0), Int(Int32.max))
        self.maximumParts = max(maximumParts, 0)
        self.state = Self.isValidBoundary(boundaryBytes) ? .preamble : .failed(.missingBoundary)
        // The first delimiter may open the body without a CRLF before it: start as if one had been seen.
        self.carry = ByteBufferAllocator().buffer(capacity: self.delimiter.count)
        self.carry.writeBytes([0x0D, 0x0A])
        self.headerBytes = ByteBuffer()
    }

    /// Feeds the next piece of the body; returns the events it completes.
    mutating func feed(_ buffer: ByteBuffer) throws(MultipartError) -> [MultipartEvent] {
        var input = buffer
        var events: [MultipartEvent] = []
        do {
            try self.process(&input, into: &events)
        } catch {
            self.fail(error)
            throw error
        }
        return events
    }

    /// Call when the body ends; throws .truncated unless the closing delimiter was seen.
    mutating func finish() throws(MultipartError) -> [MultipartEvent] {
        switch self.state {
        case .epilogue:
            return []
        case .failed(let error):
            throw error
        case .preamble, .delimiterTail, .headers, .body:
            self.fail(.truncated)
            throw .truncated
        }
    }

    private mutating func fail(_ error: MultipartError) {
        self.state = .failed(error)
        self.carry = ByteBuffer()
        self.headerBytes = ByteBuffer()
    }

    /// Consumes `buffer` entirely, moving through the states and appending the events completed.
    private mutating func process(_ buffer: inout ByteBuffer, into events: inout [MultipartEvent]) throws(MultipartError) {
        while true {
            switch self.state {
            case .failed(let error):
                throw error
            case .epilogue:
                buffer.moveReaderIndex(to: buffer.writerIndex)
                return
            case .preamble, .body:
                guard buffer.readableBytes > 0 else { return }
                let emitting: Bool
                if case .body = self.state { emitting = true } else { emitting = false }
                guard self.consumeThroughDelimiter(&buffer, emitting: emitting, into: &events) else { return }
                self.state = .delimiterTail(afterPart: emitting, step: .start)
            case .delimiterTail(let afterPart, let step):
                guard let byte = buffer.readInteger(as: UInt8.self) else { return }
                try self.advanceTail(afterPart: afterPart, step: step, byte: byte, into: &events)
            case .headers:
                guard buffer.readableBytes > 0 else { return }
                guard let block = try self.consumeHeaders(&buffer) else { return }
                events.append(.partStart(try Self.parsePartHeaders(block)))
                self.state = .body
            }
        }
    }

    /// One byte after `--boundary`: padding, CRLF (another part follows) or `--` (the body is complete).
    private mutating func advanceTail(
        afterPart: Bool, step: TailStep, byte: UInt8, into events: inout [MultipartEvent]
    ) throws(MultipartError) {
        switch (step, byte) {
        case (.start, UInt8(ascii: "-")):
            self.state = .delimiterTail(afterPart: afterPart, step: .dash)
        case (.start, UInt8(ascii: " ")), (.start, UInt8(ascii: "\t")),
             (.padding, UInt8(ascii: " ")), (.padding, UInt8(ascii: "\t")):
            self.state = .delimiterTail(afterPart: afterPart, step: .padding)
        case (.start, 0x0D), (.padding, 0x0D):
            self.state = .delimiterTail(afterPart: afterPart, step: .carriageReturn)
        case (.dash, UInt8(ascii: "-")):
            if afterPart { events.append(.partEnd) }
            self.state = .epilogue
        case (.carriageReturn, 0x0A):
            if afterPart { events.append(.partEnd) }
            guard self.partCount < self.maximumParts else { throw .tooManyParts(limit: self.maximumParts) }
            self.partCount += 1
            self.headerBytes = ByteBufferAllocator().buffer(capacity: 256)
            self.headerBytes.writeBytes([0x0D, 0x0A])
            self.state = .headers
        default:
            throw .malformed("boundary delimiter not followed by CRLF or \"--\"")
        }
    }

    // MARK: Delimiter search

    /// Consumes bytes up to and including the next delimiter (true), or all of `buffer` keeping back a
    /// possible delimiter start (false); bytes before the delimiter are emitted as body when `emitting`.
    private mutating func consumeThroughDelimiter(
        _ buffer: inout ByteBuffer, emitting: Bool, into events: inout [MultipartEvent]
    ) -> Bool {
        let length = self.delimiter.count
        // First settle the delimiter prefix kept from the last piece against the start of this one.
        let kept = self.carry.readableBytes
        if kept > 0 {
            let wanted = min(length - kept, buffer.readableBytes)
            let continues = buffer.withUnsafeReadableBytes { bytes in
                self.delimiter.withUnsafeBytes { delimiter in
                    guard let base = bytes.baseAddress, let expected = delimiter.baseAddress else { return false }
                    return memcmp(base, expected + kept, wanted) == 0
                }
            }
            if continues {
                if kept + wanted == length {
                    buffer.moveReaderIndex(forwardBy: wanted)
                    self.carry.clear()
                    return true
                }
                self.carry.writeBuffer(&buffer)
                return false
            }
            // Not a delimiter after all. Its only CR is its first byte, so no delimiter starts inside it.
            if emitting {
                events.append(.body(self.carry))
                self.carry = ByteBufferAllocator().buffer(capacity: length)
            } else {
                self.carry.clear()
            }
        }

        let scan = buffer.withUnsafeReadableBytes { bytes in
            self.delimiter.withUnsafeBytes { delimiter in Self.search(bytes, for: delimiter) }
        }
        switch scan {
        case .found(let offset):
            Self.take(offset, from: &buffer, emitting: emitting, into: &events)
            buffer.moveReaderIndex(forwardBy: length)
            return true
        case .partial(let offset):
            Self.take(offset, from: &buffer, emitting: emitting, into: &events)
            self.carry.writeBuffer(&buffer)
            return false
        case .notFound:
            Self.take(buffer.readableBytes, from: &buffer, emitting: emitting, into: &events)
            return false
        }
    }

    /// Removes `count` bytes from the front of `buffer`, emitting them as one body slice when `emitting`.
    private static func take(_ count: Int, from buffer: inout ByteBuffer, emitting: Bool, into events: inout [MultipartEvent]) {
        guard count > 0 else { return }
        if emitting {
            if let slice = buffer.readSlice(length: count) { events.append(.body(slice)) }
        } else {
            buffer.moveReaderIndex(forwardBy: count)
        }
    }

    /// Finds the delimiter, or a proper prefix of it at the very end, by jumping from CR to CR with memchr.
    private static func search(_ bytes: UnsafeRawBufferPointer, for delimiter: UnsafeRawBufferPointer) -> Scan {
        guard let base = bytes.baseAddress, let expected = delimiter.baseAddress else { return .notFound }
        let count = bytes.count
        let length = delimiter.count
        var from = 0
        while from < count {
            guard let hit = memchr(base + from, 0x0D, count - from) else { return .notFound }
            let offset = base.distance(to: UnsafeRawPointer(hit))
            let available = count - offset
            if available >= 3 {
                // Most CRs, in binary data or CRLF text, are not followed by LF and '-': skip them without a call.
                if bytes[offset + 1] == 0x0A, bytes[offset + 2] == 0x2D {
                    if available >= length {
                        if memcmp(hit, expected, length) == 0 { return .found(offset) }
                    } else if memcmp(hit, expected, available) == 0 {
                        return .partial(offset)
                    }
                }
            } else if memcmp(hit, expected, available) == 0 {
                return .partial(offset)
            }
            from = offset + 1
        }
        return .notFound
    }

    // MARK: Part headers

    /// Collects header bytes up to the blank line; returns the header block (lines joined by CRLF, without
    /// the final CRLF) once complete, nil when more bytes are needed. Bytes after the blank line stay in `buffer`.
    private mutating func consumeHeaders(_ buffer: inout ByteBuffer) throws(MultipartError) -> [UInt8]? {
        // A block of at most `maximumHeaderBytes` ends with a terminator that starts no later than there
        // (offsets count the virtual CRLF, which stands for the delimiter line's own CRLF).
        let limit = self.maximumHeaderBytes + 4
        let before = self.headerBytes.readableBytes
        let taken = min(buffer.readableBytes, limit - before)
        if taken > 0, let piece = buffer.getSlice(at: buffer.readerIndex, length: taken) {
            self.headerBytes.writeImmutableBuffer(piece)
        }
        let terminator = self.headerBytes.withUnsafeReadableBytes { bytes in
            Self.findBlankLine(bytes, from: max(0, before - 3))
        }
        guard let end = terminator else {
            buffer.moveReaderIndex(forwardBy: taken)
            if self.headerBytes.readableBytes >= limit {
                throw .headersTooLarge(limit: self.maximumHeaderBytes)
            }
            return nil
        }
        guard end <= self.maximumHeaderBytes else { throw .headersTooLarge(limit: self.maximumHeaderBytes) }
        buffer.moveReaderIndex(forwardBy: end + 4 - before)
        let block = self.headerBytes.getBytes(at: self.headerBytes.readerIndex + 2, length: max(0, end - 2)) ?? []
        self.headerBytes = ByteBuffer()
        return block
    }

    /// The offset of the first CRLFCRLF at or after `from`.
    private static func findBlankLine(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        let count = bytes.count
        var index = start
        while index + 4 <= count {
            if bytes[index] == 0x0D, bytes[index + 1] == 0x0A, bytes[index + 2] == 0x0D, bytes[index + 3] == 0x0A {
                return index
            }
            index += 1
        }
        return nil
    }

    /// Reads the name, filename and Content-Type from a part's header block.
    private static func parsePartHeaders(_ block: [UInt8]) throws(MultipartError) -> MultipartPartHeaders {
        guard String(validating: block, as: UTF8.self) != nil else {
            throw .malformed("part headers are not UTF-8")
        }
        var fields: [(name: String, value: [UInt8])] = []
        for line in try Self.lines(of: block) {
            if let first = line.first, first == 0x20 || first == 0x09 {
                // Obsolete line folding: the line continues the previous field's value.
                guard let last = fields.indices.last else { throw .malformed("part headers begin with a folded line") }
                fields[last].value += [0x20] + HeaderValue.trimmed(line[...])
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw .malformed("part header line without a colon")
            }
            let name = line[..<colon]
            guard !name.isEmpty, name.allSatisfy(HeaderValue.isTokenByte) else {
                throw .malformed("part header with an invalid name")
            }
            fields.append((HeaderValue.lowercased(name), HeaderValue.trimmed(line[(colon + 1)...])))
        }

        let dispositions = fields.filter { $0.name == "content-disposition" }
        guard let disposition = dispositions.first else {
            throw .malformed("part headers without Content-Disposition: form-data")
        }
        guard dispositions.count == 1 else { throw .malformed("part headers with more than one Content-Disposition") }
        let types = fields.filter { $0.name == "content-type" }
        guard types.count <= 1 else { throw .malformed("part headers with more than one Content-Type") }

        let parsed = try HeaderValue.parse(disposition.value, what: "Content-Disposition")
        guard HeaderValue.equalsIgnoringCase(parsed.type, "form-data") else {
            throw .malformed("part headers without Content-Disposition: form-data")
        }
        func parameter(_ name: String) -> [UInt8]? { parsed.parameters.first { $0.name == name }?.value }
        guard let nameBytes = parameter("name") else {
            throw .malformed("Content-Disposition: form-data without a name")
        }
        let name = try Self.text(nameBytes, what: "name")
        var filename: String?
        if let extended = parameter("filename*") {
            filename = try Self.text(try HeaderValue.decodeExtendedValue(extended), what: "filename*")
        } else if let plain = parameter("filename") {
            filename = try Self.text(plain, what: "filename")
        }
        var contentType: String?
        if let type = types.first?.value, !type.isEmpty {
            // Tabs are whitespace in a header value; as spaces they pass the control-character check.
            contentType = try Self.text(type.map { $0 == 0x09 ? 0x20 : $0 }, what: "Content-Type")
        }
        return MultipartPartHeaders(name: name, filename: filename, contentType: contentType)
    }

    /// The header block's lines; a CR or LF other than a CRLF pair is refused, as are other control bytes.
    private static func lines(of block: [UInt8]) throws(MultipartError) -> [[UInt8]] {
        guard !block.isEmpty else { return [] }
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < block.count {
            let byte = block[index]
            if byte == 0x0D {
                guard index + 1 < block.count, block[index + 1] == 0x0A else {
                    throw .malformed("bare CR in part headers")
                }
                lines.append(current)
                current = []
                index += 2
                continue
            }
            guard byte >= 0x20 || byte == 0x09, byte != 0x7F else {
                throw .malformed("control character in part headers")
            }
            current.append(byte)
            index += 1
        }
        lines.append(current)
        return lines
    }

    /// `bytes` as a String: UTF-8 without control characters, which no field name or file name needs
    /// and which would be dangerous in file names, logs and PostgreSQL text.
    private static func text(_ bytes: [UInt8], what: String) throws(MultipartError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .malformed("\(what) is not UTF-8")
        }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .malformed("\(what) contains a control character")
        }
        return text
    }

    /// The characters other than letters and digits that RFC 2046 allows in a boundary.
    private static let boundarySymbols = Array("'()+_,-./:=? ".utf8)

    /// 1–70 characters from RFC 2046's `bchars`, not ending in a space.
    private static func isValidBoundary(_ bytes: [UInt8]) -> Bool {
        guard (1...70).contains(bytes.count), bytes.last != 0x20 else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "A")...UInt8(ascii: "Z"):
                return true
            default:
                return Self.boundarySymbols.contains(byte)
            }
        }
    }
}

extension MultipartParser {
    /// Parsing of `type; name=value; name="quoted"` header values (Content-Type, Content-Disposition).
    private enum HeaderValue {
        /// The leading type and the parameters (names lowercased, values unquoted), in order.
        /// A repeated parameter is refused: parsers that kept different copies would disagree on the part.
        static func parse(
            _ bytes: [UInt8], what: String
        ) throws(MultipartError) -> (type: [UInt8], parameters: [(name: String, value: [UInt8])]) {
            var index = 0
            let end = bytes.count
            func skipWhitespace() {
                while index < end, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            }
            let typeEnd = bytes.firstIndex(of: UInt8(ascii: ";")) ?? end
            let type = Self.trimmed(bytes[..<typeEnd])
            index = typeEnd
            var parameters: [(name: String, value: [UInt8])] = []
            while true {
                skipWhitespace()
                guard index < end else { break }
                guard bytes[index] == UInt8(ascii: ";") else { throw .malformed("\(what) parameters not separated by ';'") }
                index += 1
                skipWhitespace()
                guard index < end, bytes[index] != UInt8(ascii: ";") else { continue }
                let nameStart = index
                while index < end, Self.isTokenByte(bytes[index]) { index += 1 }
                guard index > nameStart else { throw .malformed("\(what) parameter without a name") }
                let name = Self.lowercased(bytes[nameStart..<index])
                skipWhitespace()
                guard index < end, bytes[index] == UInt8(ascii: "=") else {
                    throw .malformed("\(what) parameter \(name) without a value")
                }
                index += 1
                skipWhitespace()
                var value: [UInt8] = []
                if index < end, bytes[index] == UInt8(ascii: "\"") {
                    index += 1
                    var closed = false
                    while index < end {
                        let byte = bytes[index]
                        index += 1
                        if byte == UInt8(ascii: "\"") {
                            closed = true
                            break
                        }
                        if byte == UInt8(ascii: "\\"), index < end {
                            value.append(bytes[index])
                            index += 1
                        } else {
                            value.append(byte)
                        }
                    }
                    guard closed else { throw .malformed("\(what) parameter \(name) has an unterminated quoted string") }
                } else {
                    // Unquoted, a value is a token: anything else (spaces, commas) is ambiguous between parsers.
                    let valueStart = index
                    while index < end, Self.isTokenByte(bytes[index]) { index += 1 }
                    value = Array(bytes[valueStart..<index])
                }
                guard !parameters.contains(where: { $0.name == name }) else {
                    throw .malformed("\(what) parameter \(name) appears twice")
                }
                parameters.append((name, value))
            }
            return (type, parameters)
        }

        /// Decodes an RFC 5987 `charset'language'percent-encoded` value (UTF-8 or ISO-8859-1) to UTF-8 bytes.
        static func decodeExtendedValue(_ bytes: [UInt8]) throws(MultipartError) -> [UInt8] {
            let quote = UInt8(ascii: "'")
            guard let first = bytes.firstIndex(of: quote),
                  let second = bytes[(first + 1)...].firstIndex(of: quote)
            else { throw .malformed("filename* is not charset'language'value") }
            let charset = Self.lowercased(bytes[..<first])
            guard charset == "utf-8" || charset == "iso-8859-1" else {
                throw .malformed("filename* has an unsupported charset")
            }
            var decoded: [UInt8] = []
            var index = second + 1
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "%") {
                    guard index + 2 < bytes.count,
                          let high = Self.hexValue(bytes[index + 1]), let low = Self.hexValue(bytes[index + 2])
                    else { throw .malformed("filename* has an invalid percent-encoding") }
                    decoded.append(high << 4 | low)
                    index += 3
                } else {
                    decoded.append(byte)
                    index += 1
                }
            }
            if charset == "iso-8859-1" {
                // Each ISO-8859-1 byte is the Unicode scalar of the same value.
                return Array(String(String.UnicodeScalarView(decoded.map { Unicode.Scalar($0) })).utf8)
            }
            return decoded
        }

        /// The characters other than letters and digits allowed in an RFC 9110 token.
        private static let tokenSymbols = Array("!#$%&'*+-.^_`|~".utf8)

        static func isTokenByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "A")...UInt8(ascii: "Z"):
                return true
            default:
                return Self.tokenSymbols.contains(byte)
            }
        }

        static func trimmed(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var slice = bytes
            while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
            while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
            return Array(slice)
        }

        /// ASCII-lowercased text of bytes known or expected to be ASCII.
        static func lowercased(_ bytes: ArraySlice<UInt8>) -> String {
            String(decoding: bytes.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
        }

        static func equalsIgnoringCase(_ bytes: [UInt8], _ expected: String) -> Bool {
            Self.lowercased(bytes[...]) == expected
        }

        private static func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
    }
}
