import Foundation
import PostgresClient

extension Accounts {
    /// The actor asks for their own account to be deleted, entering their password (and a second
    /// factor when enrolled) again. The account stays usable for the grace period, then the purge
    /// job erases it; signing in meanwhile, or `cancelDeletion`, takes the request back. Every
    /// other session ends and every API token is revoked at once. `posts` is the member's choice
    /// where the installation lets members choose (refused otherwise).
    public func requestDeletion(
        _ actor: Actor, password: String, secondFactor: SecondFactor, posts choice: DeletedPosts?, client: ClientInfo
    ) async throws -> PendingDeletion {
        guard actor.sessionID != nil else { throw AccountError.forbidden }
        if choice != nil, self.configuration.deletedPosts != .memberChoice {
            throw AccountError.invalidInput("This installation decides what becomes of the posts of deleted accounts; leave out posts.")
        }
        try await self.verifyPassword(of: actor, password: password, secondFactor: secondFactor, client: client)
        let posts = self.configuration.deletedPosts.posts(choosing: choice)
        let grace = Int(self.configuration.deletionGracePeriod.components.seconds)
        return try await self.pool.withTransaction { connection in
            try await connection.execute("SELECT pg_advisory_xact_lock(\(Self.roleLock))")
            try await Self.requireAnotherAdministrator(besides: actor.accountID, on: connection)
            let row = try await connection.query(
                """
                INSERT INTO account_deletions (account_id, due_at, posts)
                VALUES (\(actor.accountID), now() + make_interval(secs => \(grace)), \(posts.rawValue))
                ON CONFLICT (account_id) DO NOTHING
                RETURNING requested_at, due_at, posts, by_staff
                """
            ).first
            guard let row else { throw AccountError.conflict("The deletion of this account is already under way.") }
            try await self.revokeOtherSessions(of: actor, on: connection)
            try await connection.execute("UPDATE api_tokens SET revoked_at = now() WHERE account_id = \(actor.accountID) AND revoked_at IS NULL")
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "account.deletion-requested", target: "account:\(actor.accountID)",
                           addressPrefix: client.addressPrefix, details: ["posts": posts.rawValue]),
                on: connection
            )
            return try Self.pendingDeletion(from: row)
        }
    }

    /// The actor takes back their own deletion request; nothing happens when there is none (or
    /// when an administrator asked for it, which only an administrator cancels).
    public func cancelDeletion(_ actor: Actor) async throws {
        try await self.pool.withTransaction { connection in
            let cancelled = try await connection.execute(
                "DELETE FROM account_deletions WHERE account_id = \(actor.accountID) AND NOT by_staff"
            )
            guard cancelled > 0 else { return }
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "account.deletion-cancelled", target: "account:\(actor.accountID)"),
                on: connection
            )
        }
    }

    /// An administrator asks for another account to be deleted. The same grace period applies —
    /// a mistaken or coerced deletion can still be undone by an administrator — but the account
    /// is disabled at once (sessions and tokens end), so its owner cannot cancel it by signing in.
    /// Administrators cannot delete their own account this way, nor the last active administrator.
    public func requestDeletion(of id: UUID, by actor: Actor) async throws -> PendingDeletion {
        try Access.require(actor, .deleteAccount(target: id))
        try await self.requireRecentAuthentication(actor)
        guard id != actor.accountID else {
            throw AccountError.invalidInput("Delete your own account from your own settings (POST /me/deletion).")
        }
        let posts = self.configuration.deletedPosts.posts(choosing: nil)
        let grace = Int(self.configuration.deletionGracePeriod.components.seconds)
        return try await self.pool.withTransaction { connection in
            try await connection.execute("SELECT pg_advisory_xact_lock(\(Self.roleLock))")
            guard try await !connection.query("SELECT 1 FROM accounts WHERE id = \(id) AND status <> 'deleted'").isEmpty else {
                throw AccountError.notFound
            }
            try await Self.requireAnotherAdministrator(besides: id, on: connection)
            // A member's own pending request keeps its date and choice; it becomes staff's.
            let row = try await connection.query(
                """
                INSERT INTO account_deletions (account_id, due_at, posts, by_staff)
                VALUES (\(id), now() + make_interval(secs => \(grace)), \(posts.rawValue), true)
                ON CONFLICT (account_id) DO UPDATE SET by_staff = true
                RETURNING requested_at, due_at, posts, by_staff
                """
            ).first
            guard let row else { throw AccountError.notFound }
            try await connection.execute("UPDATE accounts SET status = 'disabled', updated_at = now() WHERE id = \(id) AND status = 'active'")
            let revoked = try await connection.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(id) AND revoked_at IS NULL")
            try await connection.execute("UPDATE api_tokens SET revoked_at = now() WHERE account_id = \(id) AND revoked_at IS NULL")
            if revoked > 0 { try await self.notifySecurityEvent(.sessionRevoked, account: id, on: connection) }
            let pending = try Self.pendingDeletion(from: row)
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "account.deletion-requested", target: "account:\(id)",
                           details: ["posts": pending.posts.rawValue, "by": "staff"]),
                on: connection
            )
            return pending
        }
    }

    /// An administrator cancels a pending deletion of an account (asked by its owner or by
    /// staff). An account staff disabled for deletion stays disabled: enabling it is a separate,
    /// audited decision.
    public func cancelDeletion(of id: UUID, by actor: Actor) async throws {
        try Access.require(actor, .deleteAccount(target: id))
        try await self.requireRecentAuthentication(actor)
        try await self.pool.withTransaction { connection in
            let cancelled = try await connection.execute("DELETE FROM account_deletions WHERE account_id = \(id)")
            guard cancelled > 0 else { throw AccountError.notFound }
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "account.deletion-cancelled", target: "account:\(id)", details: ["by": "staff"]),
                on: connection
            )
        }
    }

    /// Signing in takes back the member's own pending deletion; returns whether there was one.
    func cancelDeletionOnSignIn(_ account: UUID, client: ClientInfo, on connection: PostgresConnection) async throws -> Bool {
        let cancelled = try await connection.execute("DELETE FROM account_deletions WHERE account_id = \(account) AND NOT by_staff")
        guard cancelled > 0 else { return false }
        try await self.audit.record(
            AuditEvent(actor: account, action: "account.deletion-cancelled", target: "account:\(account)",
                       addressPrefix: client.addressPrefix, details: ["by": "sign-in"]),
            on: connection
        )
        return true
    }

    /// Refuses when `account` is the last active administrator not itself on its way out.
    static func requireAnotherAdministrator(besides account: UUID, on connection: PostgresConnection) async throws {
        let role = try await connection.query("SELECT role FROM accounts WHERE id = \(account)").first?.decode(column: 0, as: String.self)
        guard role == Role.administrator.rawValue else { return }
        let others = try await connection.query(
            """
            SELECT count(*) FROM accounts a
            WHERE a.role = 'administrator' AND a.status = 'active' AND a.id <> \(account)
              AND NOT EXISTS (SELECT 1 FROM account_deletions d WHERE d.account_id = a.id)
            """
        ).first?.decode(column: 0, as: Int.self) ?? 0
        guard others > 0 else { throw AccountError.conflict("The last active administrator cannot be deleted.") }
    }

    /// Decodes `requested_at, due_at, posts, by_staff`.
    static func pendingDeletion(from row: PostgresRow) throws -> PendingDeletion {
        let (requested, due, posts, byStaff) = try row.decode((Date, Date, String, Bool).self)
        return PendingDeletion(requestedAt: requested, dueAt: due, posts: DeletedPosts(rawValue: posts) ?? .remove, byStaff: byStaff)
    }
}
