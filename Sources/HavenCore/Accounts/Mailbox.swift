import PostgresClient

/// The mail outbox: a message is written in the same transaction as the change that causes it,
/// and delivered later by `MailOutbox`. Nothing about it goes to the log.
enum Mailbox {
    static func enqueue(
        to recipient: String, kind: String, subject: String, body: String, html: String? = nil, language: String = "en",
        headers: [String: String] = [:], on connection: PostgresConnection
    ) async throws {
        try await connection.execute(
            """
            INSERT INTO mail_outbox (recipient, kind, subject, body, html, language, headers)
            VALUES (\(recipient), \(kind), \(subject), \(body), \(html), \(language), \(Forums.json(headers))::jsonb)
            """
        )
    }
}
