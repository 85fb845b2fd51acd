import Foundation
import Logging
import PostgresClient

/// Delivers the mail outbox. Mail is queued in the same transaction as the change that causes
/// it (so a rolled-back change sends nothing and a committed one loses nothing); this worker
/// then claims due messages one at a time with `FOR UPDATE SKIP LOCKED`, so that several
/// instances can run side by side, and holds the claim while it sends: a worker that dies
/// mid-send releases the message to the next one. A failed attempt is retried after an
/// exponential back-off; a permanent refusal, or too many attempts, marks the message dead.
public struct MailOutbox: Sendable {
    /// When to try again and when to give up.
    public struct Policy: Sendable {
        /// Attempts before a message that keeps failing temporarily is given up.
        public var maximumAttempts = 8
        /// The pause after the first failure; each further failure doubles it, up to `longestRetry`.
        public var firstRetry: Duration = .seconds(60)
        public var longestRetry: Duration = .seconds(6 * 3_600)
        /// How often the worker looks for due messages without being woken (a missed
        /// notification, a retry coming due).
        public var pollInterval: Duration = .seconds(15)

        public init() {}

        /// The pause after `attempts` failed attempts.
        func delay(after attempts: Int) -> Duration {
            let doubled = self.firstRetry * (1 << min(max(attempts - 1, 0), 20))
            return min(doubled, self.longestRetry)
        }
    }

    let pool: PostgresPool
    let transport: any MailTransport
    /// The From address of every message.
    let sender: String
    let policy: Policy
    let logger: Logger

    public init(pool: PostgresPool, transport: any MailTransport, sender: String, policy: Policy = Policy(), logger: Logger = Logger(label: "haven.mail")) {
        self.pool = pool
        self.transport = transport
        self.sender = sender
        self.policy = policy
        self.logger = logger
    }

    /// Sends due messages until none is left; returns how many were tried.
    @discardableResult
    public func deliverDue() async throws -> Int {
        var tried = 0
        // Each message is sent in a task of its own, which stopping the worker does not cancel:
        // a shutdown waits for the conversation in hand (at most the SMTP deadline) to end.
        while !Task.isCancelled, try await Task(operation: { try await self.deliverNext() }).value { tried += 1 }
        return tried
    }

    /// Claims and tries the oldest due message, if there is one; returns whether there was.
    public func deliverNext() async throws -> Bool {
        try await self.pool.withTransaction { connection in
            let rows = try await connection.query(
                """
                SELECT id, recipient, subject, body, html, language, headers::text, attempts, created_at FROM mail_outbox
                WHERE sent_at IS NULL AND dead_at IS NULL AND next_attempt_at <= now()
                ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED
                """
            )
            guard let row = rows.first else { return false }
            let (id, recipient, subject, text, html, language, headers, attempts, created) = try row.decode(
                (UUID, String, String, String, String?, String, String, Int, Date).self
            )
            let message = MailMessage(
                id: id, from: self.sender, to: recipient, subject: subject, text: text, html: html, language: language,
                headers: Forums.dictionary(headers), date: created
            )
            do {
                try await self.transport.send(message)
                try await connection.execute(
                    "UPDATE mail_outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = \(id)"
                )
            } catch {
                let reason = String(describing: error).prefix(500)
                let permanent = (error as? MailError)?.isPermanent ?? false
                if permanent || attempts + 1 >= self.policy.maximumAttempts {
                    try await connection.execute(
                        "UPDATE mail_outbox SET dead_at = now(), attempts = attempts + 1, last_error = \(String(reason)) WHERE id = \(id)"
                    )
                    self.logger.error(
                        "mail given up", metadata: ["message": "\(id)", "attempts": "\(attempts + 1)", "error": "\(reason)"]
                    )
                } else {
                    let delay = self.policy.delay(after: attempts + 1)
                    let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
                    try await connection.execute(
                        """
                        UPDATE mail_outbox SET attempts = attempts + 1, last_error = \(String(reason)),
                            next_attempt_at = now() + make_interval(secs => \(seconds))
                        WHERE id = \(id)
                        """
                    )
                    self.logger.warning(
                        "mail not sent, will retry",
                        metadata: ["message": "\(id)", "attempts": "\(attempts + 1)", "retry-in": "\(delay)", "error": "\(reason)"]
                    )
                }
            }
            return true
        }
    }

    /// Delivers mail until cancelled: at once when a transaction that queued mail commits
    /// (LISTEN mail_outbox), and every `pollInterval` for retries and missed wake-ups.
    public func run() async throws {
        let (wake, waker) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        try await self.pool.listen(to: "mail_outbox") { notifications in
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in notifications { waker.yield() }
                }
                group.addTask {
                    while !Task.isCancelled {
                        waker.yield()
                        try? await Task.sleep(for: self.policy.pollInterval)
                    }
                }
                for await _ in wake {
                    if Task.isCancelled { break }
                    do {
                        try await self.deliverDue()
                    } catch {
                        self.logger.error("mail delivery failed", metadata: ["error": "\(error)"])
                    }
                }
                group.cancelAll()
            }
        }
    }

    /// How many messages wait, were sent, and were given up.
    public static func counts(pool: PostgresPool) async throws -> OutboxCounts {
        let row = try await pool.query(
            """
            SELECT count(*) FILTER (WHERE sent_at IS NULL AND dead_at IS NULL), count(*) FILTER (WHERE sent_at IS NOT NULL),
                count(*) FILTER (WHERE dead_at IS NOT NULL)
            FROM mail_outbox
            """
        ).first
        let (pending, sent, dead) = try row?.decode((Int, Int, Int).self) ?? (0, 0, 0)
        return OutboxCounts(pending: pending, sent: sent, dead: dead)
    }

    /// The newest messages, for administrators (`haven admin outbox`).
    public static func recent(limit: Int, pool: PostgresPool) async throws -> [OutboxEntry] {
        try await pool.query(
            """
            SELECT id, recipient, kind, subject, body, created_at, attempts, sent_at, dead_at, last_error
            FROM mail_outbox ORDER BY created_at DESC, id DESC LIMIT \(limit)
            """
        ).map { row in
            let (id, recipient, kind, subject, body, created, attempts, sent, dead, error) = try row.decode(
                (UUID, String, String, String, String, Date, Int, Date?, Date?, String?).self
            )
            let state: OutboxEntry.State = if let sent { .sent(sent) } else if let dead { .dead(dead) } else { .pending }
            return OutboxEntry(
                id: id, recipient: recipient, kind: kind, subject: subject, text: LogMailTransport.redacted(body), created: created,
                attempts: attempts, state: state, lastError: error
            )
        }
    }
}
