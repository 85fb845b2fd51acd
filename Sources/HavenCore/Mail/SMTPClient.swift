import Foundation
import NIOCore
import NIOPosix
import OpenSSLTLS

/// Hands messages to a mail server over SMTP (RFC 5321): EHLO, STARTTLS through Haven's own
/// OpenSSL handler with the server's certificate verified, AUTH PLAIN or LOGIN only over TLS,
/// then MAIL, RCPT and DATA with dot-stuffing; BODY=8BITMIME and SMTPUTF8 where the server
/// offers them. One connection per message: the outbox sends few, and each stands alone.
public struct SMTPClient: MailTransport {
    public let configuration: SMTPConfiguration
    let tls: TLSContext?

    /// - Throws: `TLSError` when the CA file cannot be loaded.
    public init(configuration: SMTPConfiguration) throws {
        self.configuration = configuration
        self.tls = configuration.security == .startTLS ? try TLSContext(clientTrusting: configuration.trustedCAPath) : nil
    }

    public func send(_ message: MailMessage) async throws {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .connect(host: self.configuration.host, port: self.configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
                }
        } catch {
            throw MailError.unreachable("\(self.configuration.host):\(self.configuration.port): \(error)")
        }
        // A server that stops answering is hung up on, which fails the message (to be retried).
        let deadline = channel.channel.eventLoop.scheduleTask(in: self.configuration.timeout) { channel.channel.close(promise: nil) }
        defer { deadline.cancel() }
        do {
            try await channel.executeThenClose { inbound, outbound in
                var session = Session(
                    configuration: self.configuration, tls: self.tls, channel: channel.channel,
                    replies: SMTPReply.Reader(inbound: inbound.makeAsyncIterator()), outbound: outbound
                )
                try await session.deliver(message)
            }
        } catch let error as MailError {
            throw error
        } catch {
            throw MailError.unreachable("\(self.configuration.host):\(self.configuration.port): \(error)")
        }
    }

    /// One conversation with the server.
    struct Session {
        let configuration: SMTPConfiguration
        let tls: TLSContext?
        let channel: any Channel
        var replies: SMTPReply.Reader
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
        var secure = false

        mutating func deliver(_ message: MailMessage) async throws {
            try self.expect(try await self.replies.next(), 220, after: "connecting")
            var extensions = try await self.hello()
            if self.configuration.security == .startTLS {
                guard extensions.keys.contains("STARTTLS") else { throw MailError.tlsUnavailable("the server does not offer STARTTLS") }
                try await self.command("STARTTLS", expecting: 220)
                try await self.startTLS()
                extensions = try await self.hello()
            }
            if let username = self.configuration.username, let password = self.configuration.password {
                guard self.secure else { throw MailError.tlsUnavailable("credentials are only sent over TLS") }
                try await self.authenticate(username: username, password: password, offered: extensions["AUTH"] ?? [])
            }
            let needsUTF8 = !(message.from + message.to).utf8.allSatisfy { $0 < 128 }
            let utf8 = extensions.keys.contains("SMTPUTF8")
            if needsUTF8, !utf8 { throw MailError.badAddress("\(message.to): the server does not accept non-ASCII addresses") }
            let eightBit = extensions.keys.contains("8BITMIME")
            for address in [message.from, message.to] where address.contains(where: { $0 == "<" || $0 == ">" || $0.isNewline || $0 == " " }) {
                throw MailError.badAddress(address)
            }
            var mail = "MAIL FROM:<\(message.from)>"
            if eightBit { mail += " BODY=8BITMIME" }
            if needsUTF8 { mail += " SMTPUTF8" }
            try await self.command(mail, expecting: 250)
            try await self.command("RCPT TO:<\(message.to)>", expecting: 250, 251)
            try await self.command("DATA", expecting: 354)
            try await self.outbound.write(ByteBuffer(bytes: Self.dotStuffed(message.rendered(eightBit: eightBit))))
            try self.expect(try await self.replies.next(), 250, after: "the message")
            // The message is accepted; a failed QUIT changes nothing.
            try? await self.outbound.write(ByteBuffer(string: "QUIT\r\n"))
            _ = try? await self.replies.next()
        }

        /// EHLO, returning the extensions the server offers (keyword to parameters).
        mutating func hello() async throws -> [String: [String]] {
            let reply = try await self.command("EHLO \(self.configuration.clientName)", expecting: 250)
            var extensions: [String: [String]] = [:]
            for line in reply.lines.dropFirst() {
                let words = line.split(separator: " ").map { String($0) }
                guard let keyword = words.first else { continue }
                extensions[keyword.uppercased()] = words.dropFirst().map { $0.uppercased() }
            }
            return extensions
        }

        /// Puts TLS under the conversation, verifying the server's certificate against its host name.
        mutating func startTLS() async throws {
            guard let tls = self.tls else { throw MailError.tlsUnavailable("no TLS context") }
            let host = self.configuration.host
            try await self.channel.eventLoop.submit { [channel] in
                try channel.pipeline.syncOperations.addHandler(TLSHandler(context: tls, serverHostname: host), position: .first)
            }.get()
            self.secure = true
        }

        mutating func authenticate(username: String, password: String, offered: [String]) async throws {
            func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
            if offered.contains("PLAIN") {
                try await self.command("AUTH PLAIN \(base64("\0\(username)\0\(password)"))", expecting: 235, redacted: "AUTH PLAIN")
            } else if offered.contains("LOGIN") {
                try await self.command("AUTH LOGIN", expecting: 334)
                try await self.command(base64(username), expecting: 334, redacted: "AUTH LOGIN user name")
                try await self.command(base64(password), expecting: 235, redacted: "AUTH LOGIN password")
            } else {
                throw MailError.refused(command: "AUTH", code: 504, reply: "the server offers neither PLAIN nor LOGIN")
            }
        }

        @discardableResult
        mutating func command(_ line: String, expecting codes: Int..., redacted: String? = nil) async throws -> SMTPReply {
            do {
                try await self.outbound.write(ByteBuffer(string: line + "\r\n"))
                let reply = try await self.replies.next()
                try self.expect(reply, codes, after: redacted ?? line)
                return reply
            } catch let error as MailError {
                throw error
            } catch {
                // A TLS failure shows as the connection failing right after STARTTLS.
                if self.secure { throw MailError.tlsUnavailable("\(error)") }
                throw MailError.unreachable("\(error)")
            }
        }

        func expect(_ reply: SMTPReply, _ codes: Int..., after command: String) throws {
            try self.expect(reply, codes, after: command)
        }

        func expect(_ reply: SMTPReply, _ codes: [Int], after command: String) throws {
            guard codes.contains(reply.code) else {
                throw MailError.refused(command: String(command.prefix(while: { $0 != ":" && $0 != "<" }).prefix(40)), code: reply.code, reply: reply.text)
            }
        }

        /// The message with every line that starts with a dot given a second one, ending in the
        /// lone dot that closes DATA (RFC 5321 §4.5.2).
        static func dotStuffed(_ message: [UInt8]) -> [UInt8] {
            var output: [UInt8] = []
            output.reserveCapacity(message.count + message.count / 64 + 5)
            var lineStart = true
            for byte in message {
                if lineStart, byte == UInt8(ascii: ".") { output.append(byte) }
                output.append(byte)
                lineStart = byte == 10
            }
            if !lineStart { output += [13, 10] }
            output += Array(".\r\n".utf8)
            return output
        }
    }
}
