import Foundation
import PostgresClient

/// Members' notifications: recorded in the same transaction as the change they report (so a
/// rolled-back change notifies nobody), kept in an inbox, and sent by mail to those who asked
/// for it (security events by default), through the outbox.
public struct Notifications: Sendable {
    let pool: PostgresPool
    public let configuration: NotificationsConfiguration

    public init(pool: PostgresPool, configuration: NotificationsConfiguration = NotificationsConfiguration()) {
        self.pool = pool
        self.configuration = configuration
    }

    /// Records `notice` for each of its recipients who is active and has not turned its kind off,
    /// and queues mail for those who want it by mail, on `connection` (the cause's transaction).
    public func record(_ notice: Notice, on connection: PostgresConnection) async throws {
        let recipients = Array(Set(notice.recipients))
        guard !recipients.isEmpty else { return }
        let kind = notice.kind.rawValue
        let fallback = notice.kind.defaultDelivery.rawValue
        let rows = try await connection.query(
            """
            WITH targets AS (
                SELECT a.id, a.email, a.language, COALESCE(p.delivery, \(fallback)) AS delivery
                FROM accounts a LEFT JOIN notification_preferences p ON p.account_id = a.id AND p.kind = \(kind)
                WHERE a.id = ANY(\(recipients)) AND a.status = 'active'
            ), inserted AS (
                INSERT INTO notifications (account_id, kind, subject_kind, subject_id, details)
                SELECT id, \(kind), \(notice.subject?.kind.rawValue), \(notice.subject?.id), \(Forums.json(notice.details))::jsonb
                FROM targets WHERE delivery <> 'off'
            )
            SELECT email, language FROM targets WHERE delivery = 'email'
            """
        )
        let base = self.configuration.publicURL
        for row in rows {
            let (email, language) = try row.decode((String, String).self)
            let excerpt = self.configuration.excerptsInMail ? notice.excerpt ?? notice.details["reason"] : nil
            let mail = NotificationMail(
                kind: notice.kind, language: language, link: "\(base)/notifications", settings: "\(base)/me/notifications", excerpt: excerpt
            )
            try await Mailbox.enqueue(
                to: email, kind: "notification.\(kind)", subject: mail.subject, body: mail.text, html: mail.html, language: language,
                on: connection
            )
        }
    }

    /// Tells every active moderator and administrator but `author` that `subject` waits for them.
    public func recordForModerators(_ subject: Notice.Subject, except author: UUID?, on connection: PostgresConnection) async throws {
        let moderators = try await connection.query(
            "SELECT id FROM accounts WHERE role IN ('moderator', 'administrator') AND status = 'active' AND id IS DISTINCT FROM \(author)"
        ).map { try $0.decode(column: 0, as: UUID.self) }
        try await self.record(Notice(.moderationQueue, to: moderators, about: subject), on: connection)
    }

    /// Records `notice` in a transaction of its own (for causes that have none).
    public func record(_ notice: Notice) async throws {
        try await self.pool.withTransaction { try await self.record(notice, on: $0) }
    }

    /// The actor's notifications, newest first, after `cursor` (the last id of the previous page).
    public func inbox(for actor: Actor, after cursor: UUID?, limit: Int, unreadOnly: Bool) async throws -> NotificationPage {
        let limit = min(max(limit, 1), 100)
        let rows = try await self.pool.query(
            """
            SELECT id, kind, subject_kind, subject_id, details::text, created_at, read_at FROM notifications
            WHERE account_id = \(actor.accountID) AND (\(cursor)::uuid IS NULL OR id < \(cursor)) AND (NOT \(unreadOnly) OR read_at IS NULL)
            ORDER BY id DESC LIMIT \(limit + 1)
            """
        )
        var items: [MemberNotification] = try rows.compactMap { row in
            let (id, kind, subjectKind, subjectID, details, created, read) = try row.decode((UUID, String, String?, UUID?, String, Date, Date?).self)
            guard let kind = NotificationKind(rawValue: kind) else { return nil }
            let subject: Notice.Subject? = if let subjectKind, let subjectID, let kind = Notice.Subject.Kind(rawValue: subjectKind) {
                Notice.Subject(kind, subjectID)
            } else { nil }
            return MemberNotification(
                id: id, kind: kind, subject: subject, details: Forums.dictionary(details), createdAt: created,
                readAt: read
            )
        }
        let more = items.count > limit
        if more { items.removeLast() }
        let unread = try await self.pool.query(
            "SELECT count(*)::int FROM notifications WHERE account_id = \(actor.accountID) AND read_at IS NULL"
        ).first?.decode(column: 0, as: Int.self) ?? 0
        return NotificationPage(items: items, unreadCount: unread, nextCursor: more ? items.last?.id : nil)
    }

    /// Marks the actor's notifications read: those listed, or all of them when `ids` is nil.
    /// Returns how many changed; others' notifications are never touched.
    @discardableResult
    public func markRead(_ ids: [UUID]?, for actor: Actor) async throws -> Int {
        if let ids {
            guard ids.count <= 100 else { throw AccountError.invalidInput("Mark at most 100 notifications at a time.") }
            return try await self.pool.execute(
                "UPDATE notifications SET read_at = now() WHERE account_id = \(actor.accountID) AND id = ANY(\(ids)) AND read_at IS NULL"
            )
        }
        return try await self.pool.execute("UPDATE notifications SET read_at = now() WHERE account_id = \(actor.accountID) AND read_at IS NULL")
    }

    /// How the actor receives each kind (the default where they have not chosen).
    public func preferences(for actor: Actor) async throws -> [NotificationKind: NotificationDelivery] {
        var preferences = Dictionary(uniqueKeysWithValues: NotificationKind.allCases.map { ($0, $0.defaultDelivery) })
        for row in try await self.pool.query("SELECT kind, delivery FROM notification_preferences WHERE account_id = \(actor.accountID)") {
            let (kind, delivery) = try row.decode((String, String).self)
            if let kind = NotificationKind(rawValue: kind), let delivery = NotificationDelivery(rawValue: delivery) { preferences[kind] = delivery }
        }
        return preferences
    }

    /// Changes how the actor receives the kinds given; security events, `author-revealed` and
    /// `data-export-ready` cannot be turned off.
    public func setPreferences(_ changes: [NotificationKind: NotificationDelivery], for actor: Actor) async throws -> [NotificationKind: NotificationDelivery] {
        if let kind = changes.first(where: { !$0.key.canBeTurnedOff && $0.value == .off })?.key {
            throw NotificationError.securityCannotBeOff(kind)
        }
        try await self.pool.withTransaction { connection in
            for (kind, delivery) in changes.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                try await connection.execute(
                    """
                    INSERT INTO notification_preferences (account_id, kind, delivery) VALUES (\(actor.accountID), \(kind.rawValue), \(delivery.rawValue))
                    ON CONFLICT (account_id, kind) DO UPDATE SET delivery = EXCLUDED.delivery
                    """
                )
            }
        }
        return try await self.preferences(for: actor)
    }
}
