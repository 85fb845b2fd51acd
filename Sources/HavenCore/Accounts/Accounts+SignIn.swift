import Foundation
import PasswordHashing
import PostgresClient

/// What a sign-in offers besides the password.
public struct SecondFactor: Sendable, Equatable {
    public var totpCode: String?
    public var recoveryCode: String?

    public init(totpCode: String? = nil, recoveryCode: String? = nil) {
        self.totpCode = totpCode
        self.recoveryCode = recoveryCode
    }

    var isEmpty: Bool { (self.totpCode ?? "").isEmpty && (self.recoveryCode ?? "").isEmpty }
}

extension Accounts {
    /// Signs in with email and password (and a second factor when enrolled); opens a new session.
    ///
    /// Every failure — unknown email, wrong password, disabled account, wrong code — is the same
    /// `.invalidCredentials` after the same Argon2 work, and counts against both the email and
    /// the source address.
    public func signIn(email: String, password: String, secondFactor: SecondFactor = SecondFactor(), client: ClientInfo) async throws -> NewSession {
        switch try await self.beginSignIn(email: email, password: password, secondFactor: secondFactor, client: client) {
        case .signedIn(let session): return session
        case .secondFactorRequired: throw AccountError.secondFactorRequired
        }
    }

    /// Signs in like `signIn`, but when the password is right and a second factor is enrolled and
    /// not given, answers with a pending sign-in instead of an error: a browser's second step then
    /// sends only the code and that token, never the password again.
    public func beginSignIn(email: String, password: String, secondFactor: SecondFactor = SecondFactor(), client: ClientInfo) async throws -> SignInStep {
        // Something that is not an email address is an unknown account, checked like any other.
        let normalized = try? Self.normalizedEmail(email)
        let keys = self.throttle.keys(email: normalized ?? "invalid", client: client)
        try await self.throttle.check(keys)
        let candidate = password.precomposedStringWithCompatibilityMapping
        guard candidate.unicodeScalars.count <= PasswordPolicy.maximumLength else {
            try await self.throttle.recordFailure(keys)
            throw AccountError.invalidCredentials
        }
        let row = try await normalized.asyncMap { normalized in
            try await self.pool.query(
                """
                SELECT id, email, display_name, role, status, totp_enabled_at IS NOT NULL, created_at, language, password_hash
                FROM accounts WHERE email = \(normalized) AND status <> 'deleted'
                """
            ).first
        } ?? nil
        guard let row, let storedHash = try row.decode(column: 8, as: String?.self) else {
            _ = try await self.hashing { try await self.hashing.verifyWithoutAccount(candidate) }
            try await self.throttle.recordFailure(keys)
            try await self.audit.record(
                AuditEvent(actor: nil, action: "session.sign-in", target: "unknown", outcome: .failure, addressPrefix: client.addressPrefix)
            )
            throw AccountError.invalidCredentials
        }
        let account = try Self.account(from: row)
        func fail(_ reason: String) async throws -> Never {
            try await self.throttle.recordFailure(keys)
            try await self.audit.record(
                AuditEvent(actor: nil, action: "session.sign-in", target: "account:\(account.id)", outcome: .failure,
                           addressPrefix: client.addressPrefix, details: ["reason": reason])
            )
            throw AccountError.invalidCredentials
        }
        let verification = try await self.hashing { try await self.hashing.verify(candidate, against: storedHash) }
        guard verification != .invalid else { try await fail("password") }
        guard account.status == .active else { try await fail("status") }
        if verification == .validNeedsRehash {
            let fresh = try await self.hashing { try await self.hashing.hash(candidate) }
            try await self.pool.execute("UPDATE accounts SET password_hash = \(fresh), updated_at = now() WHERE id = \(account.id)")
        }
        if account.twoFactorEnabled {
            if secondFactor.isEmpty { return .secondFactorRequired(PendingSignIn(accountID: account.id, secret: self.secret)) }
            guard try await self.acceptSecondFactor(secondFactor, accountID: account.id) else { try await fail("second-factor") }
        }
        return .signedIn(try await self.finishSignIn(account, keys: keys, client: client))
    }

    /// The second step of a sign-in `beginSignIn` left pending: the code (or a recovery code) and
    /// the pending token. A wrong code counts against the account like a wrong password; an expired
    /// or forged token is `.invalidCredentials`.
    public func completeSignIn(pending token: String, secondFactor: SecondFactor, client: ClientInfo) async throws -> NewSession {
        guard let accountID = PendingSignIn.accountID(in: token, secret: self.secret),
            let row = try await self.pool.query(
                """
                SELECT id, email, display_name, role, status, totp_enabled_at IS NOT NULL, created_at, language
                FROM accounts WHERE id = \(accountID) AND status <> 'deleted'
                """
            ).first
        else { throw AccountError.invalidCredentials }
        let account = try Self.account(from: row)
        let keys = self.throttle.keys(email: account.email, client: client)
        try await self.throttle.check(keys)
        guard account.status == .active, account.twoFactorEnabled, !secondFactor.isEmpty,
            try await self.acceptSecondFactor(secondFactor, accountID: account.id)
        else {
            try await self.throttle.recordFailure(keys)
            try await self.audit.record(
                AuditEvent(actor: nil, action: "session.sign-in", target: "account:\(account.id)", outcome: .failure,
                           addressPrefix: client.addressPrefix, details: ["reason": "second-factor"])
            )
            throw AccountError.invalidCredentials
        }
        return try await self.finishSignIn(account, keys: keys, client: client)
    }

    /// Opens the session of a sign-in whose every factor checked out.
    private func finishSignIn(_ account: Account, keys: [String], client: ClientInfo) async throws -> NewSession {
        try await self.throttle.reset(keys.filter { $0.hasPrefix("account:") })
        return try await self.pool.withConnection { connection in
            var session = try await self.openSession(for: account, client: client, on: connection)
            session.deletionCancelled = try await self.cancelDeletionOnSignIn(account.id, client: client, on: connection)
            // A browser this account has not signed in with for 180 days (and it has signed in before).
            let known = try await connection.query(
                """
                SELECT count(*) FILTER (WHERE user_agent IS NOT DISTINCT FROM \(client.userAgent))::int, count(*)::int FROM sessions
                WHERE account_id = \(account.id) AND id <> \(session.id) AND created_at > now() - interval '180 days'
                """
            ).first?.decode((Int, Int).self) ?? (0, 0)
            if known.0 == 0, known.1 > 0 {
                try await self.notifySecurityEvent(
                    .newSignIn, account: account.id, about: .init(.session, session.id),
                    details: ["device": String((client.userAgent ?? "unknown").prefix(200))], on: connection
                )
            }
            try await self.audit.record(
                AuditEvent(actor: account.id, action: "session.sign-in", target: "account:\(account.id)", addressPrefix: client.addressPrefix),
                on: connection
            )
            return session
        }
    }

    /// Checks the password (and second factor) of a signed-in actor again and records the time,
    /// opening the re-authentication window for sensitive actions.
    public func reauthenticate(_ actor: Actor, password: String, secondFactor: SecondFactor = SecondFactor(), client: ClientInfo) async throws {
        guard let sessionID = actor.sessionID else { throw AccountError.forbidden }
        try await self.verifyPassword(of: actor, password: password, secondFactor: secondFactor, client: client)
        try await self.pool.execute("UPDATE sessions SET authenticated_at = now() WHERE id = \(sessionID)")
    }

    /// Verifies the actor's own password (and second factor when enrolled), throttled like sign-in.
    func verifyPassword(
        of actor: Actor, password: String, secondFactor: SecondFactor, client: ClientInfo, requireSecondFactor: Bool = true
    ) async throws {
        let keys = self.throttle.keys(email: actor.email, client: client)
        try await self.throttle.check(keys)
        let stored = try await self.pool.query("SELECT password_hash FROM accounts WHERE id = \(actor.accountID)")
            .first?.decode(column: 0, as: String?.self)
        let candidate = password.precomposedStringWithCompatibilityMapping
        guard let stored, candidate.unicodeScalars.count <= PasswordPolicy.maximumLength,
            try await self.hashing({ try await self.hashing.verify(candidate, against: stored) }) != .invalid
        else {
            try await self.throttle.recordFailure(keys)
            throw AccountError.invalidCredentials
        }
        if actor.twoFactorEnabled && requireSecondFactor {
            if secondFactor.isEmpty { throw AccountError.secondFactorRequired }
            guard try await self.acceptSecondFactor(secondFactor, accountID: actor.accountID) else {
                try await self.throttle.recordFailure(keys)
                throw AccountError.invalidCredentials
            }
        }
    }
}

extension Optional {
    /// `map` for an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
