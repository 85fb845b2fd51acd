import Foundation
import PostgresClient

/// A personal API token as its owner sees it (the secret only at creation).
public struct APIToken: Sendable, Equatable, Codable {
    public var id: UUID
    public var name: String
    public var scopes: [APITokenScope]
    public var createdAt: Date
    public var expiresAt: Date
    public var lastUsedAt: Date?
}

/// Constants of API tokens.
enum APITokens {
    /// Visible, so a leaked token is recognisable (and secret scanners can find it).
    static let prefix = "haven_pat_"
}

extension Accounts {
    /// Creates a token with `scopes` (no more than the actor's role allows) that expires in
    /// `days`; needs a recent password entry. The secret is returned once.
    public func createAPIToken(_ actor: Actor, name: String, scopes: Set<APITokenScope>, days: Int) async throws -> (token: APIToken, secret: SecretToken) {
        try await self.requireRecentAuthentication(actor)
        guard let name = name.trimmed(fitting: 1...100) else { throw AccountError.invalidInput("The name must be 1 to 100 characters.") }
        guard !scopes.isEmpty else { throw AccountError.invalidInput("Choose at least one scope.") }
        guard (1...366).contains(days) else { throw AccountError.invalidInput("Tokens expire after 1 to 366 days.") }
        try Access.require(actor, .createAPIToken(scopes: scopes))
        let secret = SecretToken.generate(prefix: APITokens.prefix)
        let ordered = APITokenScope.allCases.filter(scopes.contains)
        let row = try await self.pool.query(
            """
            INSERT INTO api_tokens (token_hash, account_id, name, scopes, expires_at)
            VALUES (\(secret.digest), \(actor.accountID), \(name), \(ordered.map(\.rawValue)), now() + make_interval(days => \(Int32(days))))
            RETURNING id, created_at, expires_at
            """
        ).first
        guard let row else { throw AccountError.notFound }
        let (id, created, expires) = try row.decode((UUID, Date, Date).self)
        try await self.audit.record(
            AuditEvent(actor: actor.accountID, action: "api-token.create", target: "api-token:\(id)", details: ["scopes": ordered.map(\.rawValue).joined(separator: ",")])
        )
        return (APIToken(id: id, name: name, scopes: ordered, createdAt: created, expiresAt: expires, lastUsedAt: nil), secret)
    }

    /// The actor's tokens that are not revoked, newest first.
    public func apiTokens(of actor: Actor) async throws -> [APIToken] {
        let rows = try await self.pool.query(
            """
            SELECT id, name, scopes, created_at, expires_at, last_used_at FROM api_tokens
            WHERE account_id = \(actor.accountID) AND revoked_at IS NULL ORDER BY created_at DESC
            """
        )
        return try rows.map { row in
            let (id, name, scopes, created, expires, used) = try row.decode((UUID, String, [String], Date, Date, Date?).self)
            return APIToken(
                id: id, name: name, scopes: scopes.compactMap(APITokenScope.init(rawValue:)), createdAt: created,
                expiresAt: expires, lastUsedAt: used
            )
        }
    }

    /// Revokes one of the actor's tokens.
    public func revokeAPIToken(_ id: UUID, of actor: Actor) async throws {
        let count = try await self.pool.execute(
            "UPDATE api_tokens SET revoked_at = now() WHERE id = \(id) AND account_id = \(actor.accountID) AND revoked_at IS NULL"
        )
        guard count == 1 else { throw AccountError.notFound }
        try await self.audit.record(AuditEvent(actor: actor.accountID, action: "api-token.revoke", target: "api-token:\(id)"))
    }

    func authenticateAPIToken(_ token: SecretToken) async throws -> Actor? {
        let rows = try await self.pool.query(
            """
            WITH found AS (
                UPDATE api_tokens t SET last_used_at = now()
                FROM accounts a
                WHERE t.token_hash = \(token.digest) AND t.revoked_at IS NULL AND t.expires_at > now()
                  AND a.id = t.account_id AND a.status = 'active'
                RETURNING t.id, t.scopes, a.id AS account_id, a.email, a.display_name, a.role, a.totp_enabled_at IS NOT NULL AS totp
            )
            SELECT id, scopes, account_id, email, display_name, role, totp,
                   ARRAY(SELECT m.organisation_id FROM memberships m JOIN organisations o ON o.id = m.organisation_id
                         WHERE m.account_id = found.account_id AND o.status <> 'suspended' ORDER BY m.organisation_id),
                   ARRAY(SELECT m.role FROM memberships m JOIN organisations o ON o.id = m.organisation_id
                         WHERE m.account_id = found.account_id AND o.status <> 'suspended' ORDER BY m.organisation_id),
                   ARRAY(SELECT g.group_id FROM group_members g WHERE g.account_id = found.account_id)
            FROM found
            """
        )
        guard let row = rows.first else { return nil }
        let (id, scopes, accountID, email, name, role, twoFactor, organisations, roles, groups) =
            try row.decode((UUID, [String], UUID, String, String?, String, Bool, [UUID], [String], [UUID]).self)
        return Actor(
            accountID: accountID, email: email, displayName: name, role: Role(rawValue: role) ?? .member, twoFactorEnabled: twoFactor,
            credential: .apiToken(id: id, scopes: Set(scopes.compactMap(APITokenScope.init(rawValue:)))),
            memberships: Self.memberships(organisations, roles), groups: Set(groups)
        )
    }
}
