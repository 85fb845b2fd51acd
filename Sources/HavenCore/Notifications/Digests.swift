import OpenSSLTLS
import Foundation
import PostgresClient

/// The optional daily or weekly digest of activity in the categories a member follows: counts
/// only (and the new topics' titles where the installation allows excerpts), through the
/// outbox, with a one-click unsubscribe link (RFC 8058) that needs no sign-in.
public struct Digests: Sendable {
    let pool: PostgresPool
    let forums: Forums
    let secret: ServerSecret

    public init(pool: PostgresPool, forums: Forums, secret: ServerSecret) {
        self.pool = pool
        self.forums = forums
        self.secret = secret
    }

    var configuration: NotificationsConfiguration { self.forums.notifications.configuration }

    /// Follows a category the actor may read (one they may not is reported as not found).
    public func follow(_ categoryID: UUID, by actor: Actor) async throws {
        try await self.requireReadable(categoryID, by: actor)
        try await self.pool.execute(
            "INSERT INTO category_follows (account_id, category_id) VALUES (\(actor.accountID), \(categoryID)) ON CONFLICT DO NOTHING"
        )
    }

    public func unfollow(_ categoryID: UUID, by actor: Actor) async throws {
        try await self.requireReadable(categoryID, by: actor)
        try await self.pool.execute("DELETE FROM category_follows WHERE account_id = \(actor.accountID) AND category_id = \(categoryID)")
    }

    func requireReadable(_ categoryID: UUID, by actor: Actor) async throws {
        guard let category = try await self.forums.storedCategories().first(where: { $0.id == categoryID }) else { throw AccountError.notFound }
        try Access.require(actor, .readCategory(category.effective))
    }

    /// How often the actor gets the digest, and the categories they follow and may still read.
    public func settings(for actor: Actor) async throws -> DigestSettings {
        let frequency = try await self.pool.query("SELECT digest FROM accounts WHERE id = \(actor.accountID)").first?.decode(column: 0, as: String.self)
        let followed = Set(
            try await self.pool.query("SELECT category_id FROM category_follows WHERE account_id = \(actor.accountID)")
                .map { try $0.decode(column: 0, as: UUID.self) }
        )
        let readable = try await self.forums.storedCategories()
            .filter { followed.contains($0.id) && Access.decide(actor, .readCategory($0.effective)) == .allow }
        return DigestSettings(frequency: frequency.flatMap(DigestFrequency.init(rawValue:)) ?? .off, categories: readable.map(\.id))
    }

    /// Sets how often the actor gets the digest; the first one counts from now.
    public func setFrequency(_ frequency: DigestFrequency, for actor: Actor) async throws -> DigestSettings {
        try await self.pool.execute(
            """
            UPDATE accounts SET digest = \(frequency.rawValue),
                digest_until = CASE WHEN digest = \(frequency.rawValue) THEN digest_until ELSE now() END
            WHERE id = \(actor.accountID)
            """
        )
        return try await self.settings(for: actor)
    }

    /// The token of the one-click unsubscribe link in `account`'s digests: the account id and a
    /// keyed hash of it, so that it can neither be guessed nor turned to another account.
    public func unsubscribeToken(for account: UUID) -> String {
        let bytes = withUnsafeBytes(of: account.uuid) { Array($0) }
        return account.uuidString.lowercased() + "." + Base64URL.encode(HMAC.authenticationCode(for: bytes, key: self.secret.derivedKey("digest-unsubscribe")))
    }

    /// Turns the digest off for the account a valid unsubscribe token names.
    public func unsubscribe(token: String) async throws {
        let parts = token.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let account = UUID(uuidString: String(parts[0])),
            ConstantTime.equals(Array(token.utf8), Array(self.unsubscribeToken(for: account).utf8))
        else { throw AccountError.tokenInvalid }
        try await self.pool.execute("UPDATE accounts SET digest = 'off' WHERE id = \(account)")
    }

    /// Sends every digest that is due; returns how many were queued (a member with nothing new
    /// gets none, and their period starts again).
    @discardableResult
    public func sendDue() async throws -> Int {
        let rows = try await self.pool.query(
            """
            SELECT \(fragment: Actor.readerColumns), a.language FROM accounts a
            WHERE a.status = 'active' AND a.digest <> 'off' AND a.digest_until IS NOT NULL
              AND a.digest_until <= now() - make_interval(secs => CASE a.digest WHEN 'daily' THEN 86400 ELSE 604800 END)
            ORDER BY a.digest_until LIMIT 1000
            """
        )
        guard !rows.isEmpty else { return 0 }
        let categories = try await self.forums.storedCategories()
        var sent = 0
        for row in rows {
            let reader = try Actor.reader(from: row)
            let language = try row.decode(column: 8, as: String.self)
            if try await self.send(to: reader, language: language, categories: categories) { sent += 1 }
        }
        return sent
    }

    /// One member's digest, in a transaction of its own; returns whether mail was queued.
    func send(to reader: Actor, language: String, categories: [Forums.StoredCategory]) async throws -> Bool {
        try await self.pool.withTransaction { connection in
            // Claimed first (another server skips it, then finds it no longer due), so it goes once.
            let claimed = try await connection.query(
                """
                SELECT digest_until FROM accounts
                WHERE id = \(reader.accountID) AND digest <> 'off' AND digest_until IS NOT NULL
                  AND digest_until <= now() - make_interval(secs => CASE digest WHEN 'daily' THEN 86400 ELSE 604800 END)
                FOR UPDATE SKIP LOCKED
                """
            ).first?.decode(column: 0, as: Date.self)
            guard let since = claimed else { return false }
            try await connection.execute("UPDATE accounts SET digest_until = now() WHERE id = \(reader.accountID)")
            let followed = Set(
                try await connection.query("SELECT category_id FROM category_follows WHERE account_id = \(reader.accountID)")
                    .map { try $0.decode(column: 0, as: UUID.self) }
            )
            let readable = categories.filter { followed.contains($0.id) && Access.decide(reader, .readCategory($0.effective)) == .allow }
            guard !readable.isEmpty else { return false }
            let ids = readable.map(\.id)
            let counts = try await connection.query(
                """
                SELECT count(*) FILTER (WHERE p.is_first)::int, count(*) FILTER (WHERE NOT p.is_first)::int
                FROM forum_posts p JOIN forum_topics t ON t.id = p.topic_id
                WHERE p.category_id = ANY(\(ids)) AND p.state = 'published' AND t.state = 'published'
                  AND coalesce(p.moderated_at, p.created_at) > \(since) AND p.author_id IS DISTINCT FROM \(reader.accountID)
                """
            ).first?.decode((Int, Int).self) ?? (0, 0)
            guard counts.0 + counts.1 > 0 else { return false }
            var titles: [String] = []
            if self.configuration.excerptsInMail {
                titles = try await connection.query(
                    """
                    SELECT t.title FROM forum_topics t JOIN forum_posts p ON p.topic_id = t.id AND p.is_first
                    WHERE t.category_id = ANY(\(ids)) AND t.state = 'published' AND coalesce(p.moderated_at, p.created_at) > \(since)
                      AND t.author_id IS DISTINCT FROM \(reader.accountID)
                    ORDER BY t.id DESC LIMIT 20
                    """
                ).map { try $0.decode(column: 0, as: String.self) }
            }
            let base = self.configuration.publicURL
            let unsubscribe = "\(base)/digest/unsubscribe?token=\(self.unsubscribeToken(for: reader.accountID))"
            let mail = NotificationMail(
                digestIn: language, since: since.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day()), topics: counts.0, replies: counts.1, titles: titles, link: "\(base)/forums",
                settings: "\(base)/me/digest", unsubscribe: unsubscribe
            )
            try await Mailbox.enqueue(
                to: reader.email, kind: "digest", subject: mail.subject, body: mail.text, html: mail.html, language: language,
                headers: ["List-Unsubscribe": "<\(unsubscribe)>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"], on: connection
            )
            return true
        }
    }
}
