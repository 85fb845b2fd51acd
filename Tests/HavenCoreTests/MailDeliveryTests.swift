import Foundation
import HavenCore
import HavenTesting
import Logging
import NIOCore
import PostgresClient
import Testing

/// The outbox delivered to a real SMTP server (aiosmtpd) on 127.0.0.1, plain and with
/// STARTTLS, and what happens when that server is away or refuses.
@Suite struct MailDeliveryTests {
    static let sender = "haven@haven.test"

    /// Queues a message as Haven's services do: a row of the outbox, committed.
    static func queue(
        to recipient: String = "member@haven.test", subject: String = "Reset your Haven password", text: String, html: String? = nil,
        language: String = "en", headers: [String: String] = [:], on pool: PostgresPool
    ) async throws -> UUID {
        let headerJSON = String(decoding: try JSONEncoder().encode(headers), as: UTF8.self)
        let row = try await pool.query(
            """
            INSERT INTO mail_outbox (recipient, kind, subject, body, html, language, headers)
            VALUES (\(recipient), 'test', \(subject), \(text), \(html), \(language), \(headerJSON)::jsonb) RETURNING id
            """
        ).first
        return try #require(try row?.decode(column: 0, as: UUID.self))
    }

    static func state(of id: UUID, on pool: PostgresPool) async throws -> (attempts: Int, sent: Bool, dead: Bool, error: String?) {
        let row = try #require(
            try await pool.query("SELECT attempts, sent_at IS NOT NULL, dead_at IS NOT NULL, last_error FROM mail_outbox WHERE id = \(id)").first
        )
        let (attempts, sent, dead, error) = try row.decode((Int, Bool, Bool, String?).self)
        return (attempts, sent, dead, error)
    }

    static func plain(_ server: TestSMTPServer) throws -> SMTPClient {
        try SMTPClient(configuration: SMTPConfiguration(host: "127.0.0.1", port: server.port, security: .none, timeout: .seconds(10)))
    }

    @Test func aQueuedMessageArrivesWhole() async throws {
        let server = try await TestSMTPServer.start()
        defer { server.stop() }
        try await TestDatabase.with { database in
            let text = "مرحبا! لديك رد جديد في موضوع تتابعه.\n.\nA line that starts with a dot, above, survives.\n\nhttps://haven.test/topics/1"
            let html = "<p dir=\"rtl\">مرحبا!</p><p><a href=\"https://haven.test/topics/1\">…</a></p>"
            let id = try await Self.queue(
                to: "member@haven.test", subject: "رد جديد — Haven", text: text, html: html, language: "ar",
                headers: ["List-Unsubscribe": "<https://haven.test/me/notifications>"], on: database.pool
            )
            let outbox = MailOutbox(pool: database.pool, transport: try Self.plain(server), sender: Self.sender)
            #expect(try await outbox.deliverDue() == 1)
            let messages = try await server.waitForMessages(1)
            let message = try #require(messages.first)
            #expect(messages.count == 1)
            #expect(message.mail_from == Self.sender)
            #expect(message.rcpt_tos == ["member@haven.test"])
            #expect(message.mail_options.contains("BODY=8BITMIME"))
            #expect(message.headers["Subject"] == "رد جديد — Haven")
            #expect(message.headers["Content-Language"] == "ar")
            #expect(message.headers["List-Unsubscribe"] == "<https://haven.test/me/notifications>")
            #expect(message.headers["Message-ID"] == "<\(id.uuidString.lowercased())@haven.test>")
            #expect(message.headers["Content-Type"]?.hasPrefix("multipart/alternative") == true)
            #expect(message.parts["text/plain"]?.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .newlines) == text)
            #expect(message.parts["text/html"]?.contains("<p dir=\"rtl\">مرحبا!</p>") == true)
            #expect(!message.tls)
            let state = try await Self.state(of: id, on: database.pool)
            #expect(state.sent && !state.dead && state.attempts == 1)
            #expect(try await MailOutbox.counts(pool: database.pool) == OutboxCounts(pending: 0, sent: 1, dead: 0))
            // Nothing left to do: no second copy.
            #expect(try await outbox.deliverDue() == 0)
            #expect(try server.received().count == 1)
        }
    }

    @Test func startTLSVerifiesTheServerAndCarriesTheCredentials() async throws {
        let server = try await TestSMTPServer.start(startTLS: true, credentials: ("haven", "correct horse battery staple"))
        defer { server.stop() }
        try await TestDatabase.with { database in
            let id = try await Self.queue(text: "Someone asked to reset your password: https://haven.test/password-reset#token", on: database.pool)
            let client = try SMTPClient(
                configuration: SMTPConfiguration(
                    host: "localhost", port: server.port, security: .startTLS, username: "haven", password: "correct horse battery staple",
                    trustedCAPath: TestCertificate.files.certificate, timeout: .seconds(10)
                )
            )
            let outbox = MailOutbox(pool: database.pool, transport: client, sender: Self.sender)
            #expect(try await outbox.deliverDue() == 1)
            let message = try #require(try await server.waitForMessages(1).first)
            #expect(message.tls)
            #expect(message.authenticated)
            #expect(message.parts["text/plain"]?.contains("https://haven.test/password-reset#token") == true)
            #expect(try await Self.state(of: id, on: database.pool).sent)
        }
    }

    @Test func aServerWhoseCertificateCannotBeVerifiedGetsNothing() async throws {
        let server = try await TestSMTPServer.start(startTLS: true, credentials: ("haven", "correct horse battery staple"))
        defer { server.stop() }
        try await TestDatabase.with { database in
            let id = try await Self.queue(text: "secret link https://haven.test/password-reset#token", on: database.pool)
            // The system's CAs do not vouch for the test certificate.
            let client = try SMTPClient(
                configuration: SMTPConfiguration(
                    host: "localhost", port: server.port, security: .startTLS, username: "haven", password: "correct horse battery staple",
                    timeout: .seconds(10)
                )
            )
            #expect(try await MailOutbox(pool: database.pool, transport: client, sender: Self.sender).deliverDue() == 1)
            let state = try await Self.state(of: id, on: database.pool)
            #expect(!state.sent && !state.dead && state.attempts == 1)
            #expect(state.error?.contains("TLS") == true, "\(state.error ?? "")")
            #expect(try server.received().isEmpty)
        }
    }

    @Test func plainServerWithoutSTARTTLSIsRefusedWhenTLSIsRequired() async throws {
        let server = try await TestSMTPServer.start()
        defer { server.stop() }
        try await TestDatabase.with { database in
            let id = try await Self.queue(text: "hello", on: database.pool)
            let client = try SMTPClient(configuration: SMTPConfiguration(host: "127.0.0.1", port: server.port, security: .startTLS, timeout: .seconds(10)))
            try await MailOutbox(pool: database.pool, transport: client, sender: Self.sender).deliverDue()
            #expect(try await Self.state(of: id, on: database.pool).error?.contains("does not offer STARTTLS") == true)
            #expect(try server.received().isEmpty)
        }
    }

    @Test func aServerThatIsDownGetsTheMessageOnceItIsBackAndOnlyOnce() async throws {
        try await TestDatabase.with { database in
            let port = try FreePort.find()
            let client = try SMTPClient(configuration: SMTPConfiguration(host: "127.0.0.1", port: port, security: .none, timeout: .seconds(10)))
            var policy = MailOutbox.Policy()
            policy.firstRetry = .seconds(3_600)
            let outbox = MailOutbox(pool: database.pool, transport: client, sender: Self.sender, policy: policy)
            let id = try await Self.queue(text: "Your post was approved. Log in to read it.", on: database.pool)

            // Nobody listens: the attempt fails and is scheduled again, an hour later, not lost.
            #expect(try await outbox.deliverDue() == 1)
            var state = try await Self.state(of: id, on: database.pool)
            #expect(!state.sent && !state.dead && state.attempts == 1)
            #expect(state.error?.contains("unreachable") == true)
            let wait = try await database.pool.query(
                "SELECT extract(epoch FROM next_attempt_at - now())::float8 FROM mail_outbox WHERE id = \(id)"
            ).first?.decode(column: 0, as: Double.self) ?? 0
            #expect((3_500...3_600).contains(wait), "\(wait)")
            #expect(try await outbox.deliverDue() == 0, "not due yet: the back-off holds it")

            // The server is back and the hour has passed.
            let server = try await TestSMTPServer.start(port: port)
            defer { server.stop() }
            try await database.pool.execute("UPDATE mail_outbox SET next_attempt_at = now() WHERE id = \(id)")
            #expect(try await outbox.deliverDue() == 1)
            #expect(try await outbox.deliverDue() == 0)
            let messages = try await server.waitForMessages(1)
            #expect(messages.count == 1)
            state = try await Self.state(of: id, on: database.pool)
            #expect(state.sent && state.attempts == 2 && state.error == nil)
        }
    }

    @Test func aPermanentRefusalMarksTheMessageDeadAndReportsIt() async throws {
        let server = try await TestSMTPServer.start(refusal: "550 5.1.1 no such user here")
        defer { server.stop() }
        try await TestDatabase.with { database in
            let id = try await Self.queue(to: "gone@haven.test", text: "hello", on: database.pool)
            let outbox = MailOutbox(pool: database.pool, transport: try Self.plain(server), sender: Self.sender)
            #expect(try await outbox.deliverDue() == 1)
            let state = try await Self.state(of: id, on: database.pool)
            #expect(state.dead && !state.sent && state.attempts == 1)
            #expect(state.error?.contains("550") == true)
            #expect(try await MailOutbox.counts(pool: database.pool) == OutboxCounts(pending: 0, sent: 0, dead: 1))
            let entry = try #require(try await MailOutbox.recent(limit: 5, pool: database.pool).first)
            #expect(entry.state != .pending && entry.lastError?.contains("no such user") == true)
            // Dead stays dead.
            #expect(try await outbox.deliverDue() == 0)
        }
    }

    @Test func tooManyTemporaryFailuresGiveTheMessageUp() async throws {
        try await TestDatabase.with { database in
            let client = try SMTPClient(
                configuration: SMTPConfiguration(host: "127.0.0.1", port: try FreePort.find(), security: .none, timeout: .seconds(10))
            )
            var policy = MailOutbox.Policy()
            policy.firstRetry = .milliseconds(1)
            policy.maximumAttempts = 3
            let outbox = MailOutbox(pool: database.pool, transport: client, sender: Self.sender, policy: policy)
            let id = try await Self.queue(text: "hello", on: database.pool)
            for _ in 0..<3 {
                try await outbox.deliverDue()
                try await Task.sleep(for: .milliseconds(20))
            }
            let state = try await Self.state(of: id, on: database.pool)
            #expect(state.dead && state.attempts == 3)
        }
    }

    @Test func aRolledBackChangeLeavesNoMail() async throws {
        struct Abandoned: Error {}
        try await TestDatabase.with { database in
            await #expect(throws: Abandoned.self) {
                try await database.pool.withTransaction { connection in
                    try await connection.execute(
                        "INSERT INTO mail_outbox (recipient, kind, subject, body) VALUES ('member@haven.test', 'test', 'subject', 'body')"
                    )
                    throw Abandoned()
                }
            }
            // A real cause: a security notification (which always goes by mail) recorded in a
            // transaction that then fails leaves neither the notification nor its mail.
            let account = try #require(
                try await database.pool.query(
                    "INSERT INTO accounts (email, display_name, role, status) VALUES ('member@haven.test', 'Member', 'member', 'active') RETURNING id"
                ).first?.decode(column: 0, as: UUID.self)
            )
            let notifications = Notifications(pool: database.pool)
            await #expect(throws: Abandoned.self) {
                try await database.pool.withTransaction { connection in
                    try await notifications.record(Notice(.passwordChanged, to: [account]), on: connection)
                    #expect(try await connection.query("SELECT 1 FROM mail_outbox").count == 1, "queued inside the transaction")
                    throw Abandoned()
                }
            }
            let counts = try await MailOutbox.counts(pool: database.pool)
            #expect(counts == OutboxCounts(pending: 0, sent: 0, dead: 0))
            #expect(try await database.pool.query("SELECT 1 FROM notifications").isEmpty)
            // The same, committed: both are there.
            try await notifications.record(Notice(.passwordChanged, to: [account]))
            #expect(try await MailOutbox.counts(pool: database.pool) == OutboxCounts(pending: 1, sent: 0, dead: 0))
        }
    }

    @Test func theWorkerIsWokenByTheCommitAndTwoWorkersSendEachMessageOnce() async throws {
        let server = try await TestSMTPServer.start()
        defer { server.stop() }
        try await TestDatabase.with { database in
            var policy = MailOutbox.Policy()
            // Polling would not find anything within the test: only the notification can.
            policy.pollInterval = .seconds(3_600)
            let outboxes = try (0..<2).map { _ in MailOutbox(pool: database.pool, transport: try Self.plain(server), sender: Self.sender, policy: policy) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for outbox in outboxes { group.addTask { try await outbox.run() } }
                // Both have done their first look and listen by now (on a loaded machine half a
                // second was not always enough, and a message committed before would wait for the poll).
                try await Task.sleep(for: .seconds(2))
                var ids: Set<String> = []
                for index in 0..<12 {
                    ids.insert(try await Self.queue(subject: "message \(index)", text: "hello \(index)", on: database.pool).uuidString.lowercased())
                }
                let messages = try await server.waitForMessages(12, timeout: .seconds(20))
                try await Task.sleep(for: .milliseconds(300))
                group.cancelAll()
                let received = try server.received().compactMap { $0.headers["Message-ID"] }
                #expect(messages.count >= 12)
                #expect(received.count == 12, "each message exactly once")
                #expect(Set(received.map { String($0.dropFirst().prefix(36)) }) == ids)
            }
            #expect(try await MailOutbox.counts(pool: database.pool) == OutboxCounts(pending: 0, sent: 12, dead: 0))
        }
    }

    @Test func stoppingTheWorkerLetsTheMessageInHandFinish() async throws {
        // A server that takes 2 s over each message's data: the worker is stopped (cancelled, as a
        // graceful shutdown does) while it waits for the reply.
        let server = try await TestSMTPServer.start(dataDelay: .seconds(2))
        defer { server.stop() }
        try await TestDatabase.with { database in
            var policy = MailOutbox.Policy()
            policy.pollInterval = .seconds(3_600)
            let outbox = MailOutbox(pool: database.pool, transport: try Self.plain(server), sender: Self.sender, policy: policy)
            let worker = Task { try await outbox.run() }
            let first = try await Self.queue(text: "The one in hand.", on: database.pool)
            for _ in 0..<200 where !server.hasStartedData { try await Task.sleep(for: .milliseconds(25)) }
            #expect(server.hasStartedData, "the worker never reached DATA")
            let second = try await Self.queue(text: "Queued behind it.", on: database.pool)
            worker.cancel()
            _ = try? await worker.value
            // The message in hand went out whole and is recorded as sent; nothing new was started.
            let state = try await Self.state(of: first, on: database.pool)
            #expect(state.sent && state.attempts == 1, "\(state)")
            #expect(try server.received().map { $0.parts["text/plain"]?.contains("The one in hand.") == true } == [true])
            #expect(try await Self.state(of: second, on: database.pool).attempts == 0)
        }
    }

    @Test func theDevelopmentTransportLogsWithoutTheSecret() {
        let text = "Accept within 7 days at:\n\nhttps://haven.test/invitations/accept#Zm9vYmFyYmF6cXV4cXV1eA\n\nThanks."
        let redacted = LogMailTransport.redacted(text)
        #expect(!redacted.contains("Zm9vYmFy"))
        #expect(redacted.contains("https://haven.test/invitations/accept#[redacted]\n\nThanks."))
    }

    @Test func messagesAreWellFormedWithoutEightBitMIME() {
        let message = MailMessage(from: Self.sender, to: "a@haven.test", subject: "Réinitialiser votre mot de passe", text: "Bonjour,\nvoilà.", language: "fr")
        let rendered = String(decoding: message.rendered(eightBit: false), as: UTF8.self)
        #expect(rendered.utf8.allSatisfy { $0 < 128 })
        #expect(rendered.contains("Subject: =?UTF-8?B?"))
        #expect(rendered.contains("Content-Transfer-Encoding: base64"))
        #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line ends in CRLF")
    }
}
