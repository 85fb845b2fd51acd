import NIOCore

/// A server's reply: its three-digit code and the text of each line.
struct SMTPReply: Sendable, Equatable {
    var code: Int
    var lines: [String]

    var text: String { self.lines.joined(separator: " / ") }

    /// Reads replies from the server's byte stream, one at a time. A reply longer than 64 KiB is
    /// a protocol violation rather than something to keep buffering.
    struct Reader {
        var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var buffer = ByteBuffer()
        static let limit = 64 * 1024

        mutating func next() async throws -> SMTPReply {
            var lines: [String] = []
            while true {
                let line = try await self.line()
                let bytes = Array(line.utf8)
                guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)), (200...599).contains(code),
                    bytes.count == 3 || bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-")
                else { throw MailError.protocolViolation("not a reply line: \(line.prefix(80))") }
                lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
                if bytes.count == 3 || bytes[3] == UInt8(ascii: " ") { return SMTPReply(code: code, lines: lines) }
                if lines.count > 100 { throw MailError.protocolViolation("a reply of more than 100 lines") }
            }
        }

        /// One line, without its line ending (CRLF, or a bare LF from a lax server).
        private mutating func line() async throws -> String {
            while true {
                if let end = self.buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
                    let length = end - self.buffer.readerIndex
                    var line = self.buffer.readString(length: length) ?? ""
                    self.buffer.moveReaderIndex(forwardBy: 1)
                    if line.hasSuffix("\r") { line.removeLast() }
                    self.buffer.discardReadBytes()
                    return line
                }
                guard self.buffer.readableBytes < Self.limit else { throw MailError.protocolViolation("a reply line longer than 64 KiB") }
                guard var more = try await self.inbound.next() else { throw MailError.unreachable("the server closed the connection") }
                self.buffer.writeBuffer(&more)
            }
        }
    }
}
