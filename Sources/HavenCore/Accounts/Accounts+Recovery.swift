import Foundation
import PasswordHashing
import PostgresClient

extension Accounts {
    /// "Forgot password": if the email belongs to an active account, a single-use 30-minute reset
    /// link goes out by mail. The answer is the same either way.
    public func requestPasswordReset(email: String, client: ClientInfo) async throws {
        let keys = self.throttle.keys(email: nil, client: client)
        try await self.throttle.check(keys)
        // Each request counts, so the form cannot be used to mail-bomb or probe at speed.
        try await self.throttle.recordFailure(keys)
        // Saying that an address is malformed reveals nothing about accounts.
        let email = try Self.normalizedEmail(email)
        let token = SecretToken.generate()
        let lifetime = Int(self.configuration.passwordResetLifetime.components.seconds)
        try await self.pool.withTransaction { connection in
            let account = try await connection.query("SELECT id FROM accounts WHERE email = \(email) AND status = 'active'")
                .first?.decode(column: 0, as: UUID.self)
            guard let account else { return }
            try await connection.execute(
                """
                INSERT INTO password_resets (token_hash, account_id, expires_at)
                VALUES (\(token.digest), \(account), now() + make_interval(secs => \(lifetime)))
                """
            )
            try await Mailbox.enqueue(
                to: email, kind: "password-reset", subject: "Reset your Haven password",
                body: """
                    Someone asked to reset the password of your Haven account. The link works once, for 30 minutes:

                    \(self.configuration.publicURL)/web/password/reset#\(token.text)

                    If it was not you, ignore this message; your password stays as it is.
                    """,
                on: connection
            )
        }
    }

    /// Sets a new password with a reset token; every session of the account ends.
    public func completePasswordReset(token text: String, newPassword: String, client: ClientInfo) async throws {
        let keys = self.throttle.keys(email: nil, client: client)
        try await self.throttle.check(keys)
        let token = SecretToken(text: text)
        let found = try await self.pool.query(
            """
            SELECT r.id, a.id, a.email, a.display_name FROM password_resets r JOIN accounts a ON a.id = r.account_id
            WHERE r.token_hash = \(token.digest) AND r.used_at IS NULL AND r.expires_at > now() AND a.status = 'active'
            """
        ).first
        guard let found else {
            try await self.throttle.recordFailure(keys)
            throw AccountError.tokenInvalid
        }
        let (resetID, accountID, email, name) = try found.decode((UUID, UUID, String, String?).self)
        let normalized = try self.configuration.passwordPolicy.check(newPassword, context: [email, name ?? ""])
        let hash = try await self.hashing { try await self.hashing.hash(normalized) }
        try await self.pool.withTransaction { connection in
            let used = try await connection.execute("UPDATE password_resets SET used_at = now() WHERE id = \(resetID) AND used_at IS NULL")
            guard used == 1 else { throw AccountError.tokenInvalid }
            try await connection.execute(
                "UPDATE accounts SET password_hash = \(hash), password_changed_at = now(), updated_at = now() WHERE id = \(accountID)"
            )
            try await connection.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(accountID) AND revoked_at IS NULL")
            try await self.notifySecurityEvent(.passwordChanged, account: accountID, on: connection)
            try await self.audit.record(
                AuditEvent(actor: accountID, action: "password.reset", target: "account:\(accountID)", addressPrefix: client.addressPrefix),
                on: connection
            )
        }
    }

    /// Changes the password, given the current one; the actor's other sessions end.
    public func changePassword(_ actor: Actor, current: String, new: String, client: ClientInfo) async throws {
        try await self.verifyPassword(of: actor, password: current, secondFactor: SecondFactor(), client: client, requireSecondFactor: false)
        let normalized = try self.configuration.passwordPolicy.check(new, context: [actor.email, actor.displayName ?? ""])
        let hash = try await self.hashing { try await self.hashing.hash(normalized) }
        try await self.pool.withTransaction { connection in
            try await connection.execute(
                "UPDATE accounts SET password_hash = \(hash), password_changed_at = now(), updated_at = now() WHERE id = \(actor.accountID)"
            )
            try await self.revokeOtherSessions(of: actor, on: connection)
            if let session = actor.sessionID {
                try await connection.execute("UPDATE sessions SET authenticated_at = now() WHERE id = \(session)")
            }
            try await self.notifySecurityEvent(.passwordChanged, account: actor.accountID, on: connection)
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "password.change", target: "account:\(actor.accountID)", addressPrefix: client.addressPrefix),
                on: connection
            )
        }
    }

    /// Changes the sign-in email; needs a recent password entry.
    public func changeEmail(_ actor: Actor, to email: String) async throws {
        try await self.requireRecentAuthentication(actor)
        let email = try Self.normalizedEmail(email)
        do {
            try await self.pool.execute("UPDATE accounts SET email = \(email), updated_at = now() WHERE id = \(actor.accountID)")
        } catch let error as PostgresError where error.sqlState == .uniqueViolation {
            throw AccountError.emailTaken
        }
        try await self.audit.record(AuditEvent(actor: actor.accountID, action: "account.email-change", target: "account:\(actor.accountID)"))
    }

    /// The languages Haven speaks, as BCP 47 tags.
    public static let languages: Set<String> = ["ar", "zh", "en", "fr", "ru", "es"]

    /// Sets the language Haven writes to the actor in.
    public func setLanguage(_ language: String, for actor: Actor) async throws {
        guard Self.languages.contains(language) else { throw AccountError.invalidInput("The language is one of ar, zh, en, fr, ru or es.") }
        try await self.pool.execute("UPDATE accounts SET language = \(language), updated_at = now() WHERE id = \(actor.accountID)")
    }

    /// Sets the actor's display name.
    public func updateProfile(_ actor: Actor, displayName: String) async throws -> Account {
        guard let name = displayName.trimmed(fitting: 1...100) else { throw AccountError.invalidInput("The display name must be 1 to 100 characters.") }
        try await self.pool.execute("UPDATE accounts SET display_name = \(name), updated_at = now() WHERE id = \(actor.accountID)")
        return try await self.account(id: actor.accountID)
    }

    /// Disables an account (staff): its sessions and tokens stop working at once.
    public func disableAccount(_ id: UUID, by actor: Actor) async throws {
        try Access.require(actor, .disableAccount(target: id))
        try await self.requireRecentAuthentication(actor)
        guard id != actor.accountID else { throw AccountError.invalidInput("You cannot disable your own account.") }
        try await self.pool.withTransaction { connection in
            let changed = try await connection.execute(
                "UPDATE accounts SET status = 'disabled', updated_at = now() WHERE id = \(id) AND status = 'active'"
            )
            guard changed == 1 else { throw AccountError.notFound }
            try await connection.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(id) AND revoked_at IS NULL")
            try await connection.execute("UPDATE api_tokens SET revoked_at = now() WHERE account_id = \(id) AND revoked_at IS NULL")
            try await self.audit.record(AuditEvent(actor: actor.accountID, action: "account.disable", target: "account:\(id)"), on: connection)
        }
    }
}
