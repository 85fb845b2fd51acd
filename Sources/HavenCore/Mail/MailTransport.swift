/// Something that hands a message on for delivery: an SMTP server, or the log in development.
public protocol MailTransport: Sendable {
    /// Sends `message`; throws `MailError` (or anything else, treated as temporary).
    func send(_ message: MailMessage) async throws
}
