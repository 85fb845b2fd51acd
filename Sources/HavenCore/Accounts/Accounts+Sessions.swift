import Foundation
import OpenSSLTLS
import PostgresClient

/// A session as its owner sees it in "your sessions".
public struct SessionSummary: Sendable, Equatable, Codable {
    public var id: UUID
    public var createdAt: Date
    public var lastUsedAt: Date
    public var expiresAt: Date
    public var userAgent: String
    public var addressPrefix: String
    public var isCurrent: Bool
}

/// A new session: the token to hand to the client once, and its anti-CSRF token.
public struct NewSession: Sendable {
    public let id: UUID
    public let token: SecretToken
    public let csrfToken: String
    public let account: Account
    /// Signing in took back a pending deletion of the account (the member should be told).
    public var deletionCancelled = false
}

extension Accounts {
    /// Opens a session for `accountID` (the password was just entered).
    func openSession(for account: Account, client: ClientInfo, on connection: PostgresConnection) async throws -> NewSession {
        let token = SecretToken.generate()
        let absolute = Int(self.configuration.sessionAbsoluteTimeout.components.seconds)
        let id = try await connection.query(
            """
            INSERT INTO sessions (token_hash, account_id, expires_at, user_agent, address_prefix)
            VALUES (\(token.digest), \(account.id), now() + make_interval(secs => \(absolute)), \(client.userAgent), \(client.addressPrefix))
            RETURNING id
            """
        ).first?.decode(column: 0, as: UUID.self)
        guard let id else { throw AccountError.notFound }
        return NewSession(id: id, token: token, csrfToken: self.csrfToken(sessionID: id), account: account)
    }

    /// The actor a session or API token stands for, or nil when it is unknown, revoked, expired,
    /// idle too long, or its account is not active. Refreshes the session's last use.
    public func authenticate(token text: String) async throws -> Actor? {
        let token = SecretToken(text: text)
        if text.hasPrefix(APITokens.prefix) { return try await self.authenticateAPIToken(token) }
        let idle = Int(self.configuration.sessionIdleTimeout.components.seconds)
        // Refresh last use at most once a minute: one write per minute per session, not per request.
        let rows = try await self.pool.query(
            """
            WITH found AS (
                SELECT s.id, s.authenticated_at, s.last_used_at FROM sessions s JOIN accounts a ON a.id = s.account_id
                WHERE s.token_hash = \(token.digest) AND s.revoked_at IS NULL AND s.expires_at > now()
                  AND s.last_used_at > now() - make_interval(secs => \(idle)) AND a.status = 'active'
            ), touched AS (
                UPDATE sessions SET last_used_at = now()
                WHERE id = (SELECT id FROM found) AND last_used_at < now() - interval '60 seconds'
            )
            SELECT f.id, f.authenticated_at, a.id, a.email, a.display_name, a.role, a.totp_enabled_at IS NOT NULL,
                   ARRAY(SELECT m.organisation_id FROM memberships m JOIN organisations o ON o.id = m.organisation_id
                         WHERE m.account_id = a.id AND o.status <> 'suspended' ORDER BY m.organisation_id),
                   ARRAY(SELECT m.role FROM memberships m JOIN organisations o ON o.id = m.organisation_id
                         WHERE m.account_id = a.id AND o.status <> 'suspended' ORDER BY m.organisation_id),
                   ARRAY(SELECT g.group_id FROM group_members g WHERE g.account_id = a.id), a.language
            FROM found f JOIN sessions s ON s.id = f.id JOIN accounts a ON a.id = s.account_id
            """
        )
        guard let row = rows.first else { return nil }
        let (sessionID, authenticatedAt, accountID, email, name, role, twoFactor, organisations, roles, groups) =
            try row.decode((UUID, Date, UUID, String, String?, String, Bool, [UUID], [String], [UUID]).self)
        return Actor(
            accountID: accountID, email: email, displayName: name, role: Role(rawValue: role) ?? .member,
            twoFactorEnabled: twoFactor, credential: .session(id: sessionID, authenticatedAt: authenticatedAt),
            memberships: Self.memberships(organisations, roles), groups: Set(groups),
            language: try row.decode(column: 10, as: String.self)
        )
    }

    static func memberships(_ organisations: [UUID], _ roles: [String]) -> [UUID: OrganisationRole] {
        Dictionary(zip(organisations, roles.map { OrganisationRole(rawValue: $0) ?? .member }), uniquingKeysWith: { first, _ in first })
    }

    /// The anti-CSRF token of a session: derived from its id with a server key, so it needs no
    /// storage and cannot be guessed from outside.
    public func csrfToken(sessionID: UUID) -> String {
        let bytes = withUnsafeBytes(of: sessionID.uuid) { Array($0) }
        return Base64URL.encode(HMAC.authenticationCode(for: bytes, key: self.secret.derivedKey("csrf")))
    }

    /// Whether `token` is the actor's session's anti-CSRF token (constant time).
    public func isValidCSRFToken(_ token: String, for actor: Actor) -> Bool {
        guard let id = actor.sessionID else { return false }
        return ConstantTime.equals(Array(token.utf8), Array(self.csrfToken(sessionID: id).utf8))
    }

    /// Ends a session (sign-out).
    public func signOut(_ actor: Actor) async throws {
        guard let id = actor.sessionID else { return }
        try await self.pool.execute("UPDATE sessions SET revoked_at = now() WHERE id = \(id) AND revoked_at IS NULL")
    }

    /// The actor's live sessions, newest first.
    public func sessions(of actor: Actor) async throws -> [SessionSummary] {
        let idle = Int(self.configuration.sessionIdleTimeout.components.seconds)
        let rows = try await self.pool.query(
            """
            SELECT id, created_at, last_used_at, expires_at, user_agent, address_prefix FROM sessions
            WHERE account_id = \(actor.accountID) AND revoked_at IS NULL AND expires_at > now()
              AND last_used_at > now() - make_interval(secs => \(idle))
            ORDER BY created_at DESC
            """
        )
        return try rows.map { row in
            let (id, created, used, expires, agent, prefix) = try row.decode((UUID, Date, Date, Date, String, String).self)
            return SessionSummary(
                id: id, createdAt: created, lastUsedAt: used, expiresAt: expires, userAgent: agent, addressPrefix: prefix,
                isCurrent: id == actor.sessionID
            )
        }
    }

    /// Revokes one of the actor's sessions.
    public func revokeSession(_ id: UUID, of actor: Actor) async throws {
        try await self.pool.withTransaction { connection in
            let count = try await connection.execute(
                "UPDATE sessions SET revoked_at = now() WHERE id = \(id) AND account_id = \(actor.accountID) AND revoked_at IS NULL"
            )
            guard count == 1 else { throw AccountError.notFound }
            try await self.notifySecurityEvent(.sessionRevoked, account: actor.accountID, about: .init(.session, id), on: connection)
        }
    }

    /// Revokes every session of the actor but the current one; returns how many.
    @discardableResult
    public func revokeOtherSessions(of actor: Actor) async throws -> Int {
        try await self.pool.withTransaction { connection in
            let count = try await connection.execute(
                """
                UPDATE sessions SET revoked_at = now()
                WHERE account_id = \(actor.accountID) AND revoked_at IS NULL AND id IS DISTINCT FROM \(actor.sessionID)
                """
            )
            if count > 0 { try await self.notifySecurityEvent(.sessionRevoked, account: actor.accountID, on: connection) }
            return count
        }
    }

    /// Ends every session of the actor, this one included ("sign out everywhere"); API tokens
    /// stay (they are revoked one by one).
    public func signOutEverywhere(_ actor: Actor) async throws {
        try await self.pool.withTransaction { connection in
            try await connection.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(actor.accountID) AND revoked_at IS NULL")
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "session.sign-out-everywhere", target: "account:\(actor.accountID)"), on: connection
            )
        }
    }

    /// Throws `.reauthenticationRequired` unless the password was entered in this session within
    /// the re-authentication window. API tokens cannot do what needs it.
    public func requireRecentAuthentication(_ actor: Actor) async throws {
        guard case .session(let id, _) = actor.credential else { throw AccountError.forbidden }
        let window = Int(self.configuration.reauthenticationWindow.components.seconds)
        let recent = try await self.pool.query(
            "SELECT authenticated_at > now() - make_interval(secs => \(window)) FROM sessions WHERE id = \(id)"
        ).first?.decode(column: 0, as: Bool.self) ?? false
        guard recent else { throw AccountError.reauthenticationRequired }
    }
}
