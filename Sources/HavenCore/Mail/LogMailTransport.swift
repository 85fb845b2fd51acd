import Logging

/// The development transport, used when no SMTP server is configured: each message goes to the
/// log instead, with secrets in links (the part after `#`) redacted, so that `make run` works
/// without a mail server. Administrators see the messages with `haven admin outbox`.
public struct LogMailTransport: MailTransport {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func send(_ message: MailMessage) async throws {
        self.logger.notice(
            "mail not sent (no SMTP server configured)",
            metadata: [
                "to": "\(message.to)", "subject": "\(message.subject)", "language": "\(message.language)",
                "text": "\(Self.redacted(message.text))",
            ]
        )
    }

    /// `text` with every link fragment (where Haven puts one-time tokens) replaced by `[redacted]`.
    public static func redacted(_ text: String) -> String {
        var output = ""
        var skipping = false
        var previous: Character = " "
        for character in text {
            if skipping, character.isWhitespace || character == "\"" || character == "<" { skipping = false }
            if skipping { continue }
            if character == "#", !previous.isWhitespace {
                output += "#[redacted]"
                skipping = true
            } else {
                output.append(character)
            }
            previous = character
        }
        return output
    }
}
