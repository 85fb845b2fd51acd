import Foundation
import PasswordHashing
import PostgresClient

/// An invitation as staff see it (never with its token).
public struct Invitation: Sendable, Equatable, Codable {
    public var id: UUID
    public var email: String
    public var role: Role
    public var createdAt: Date
    public var expiresAt: Date
    public var acceptedAt: Date?
    public var revokedAt: Date?
}

extension Accounts {
    /// Invites `email` with `role`; the single-use token goes out by mail (through the outbox) and
    /// is also returned to the caller, for the command line's first administrator.
    /// - Parameter inviter: the administrator inviting, or nil for the command line.
    public func invite(email: String, role: Role, by inviter: Actor?) async throws -> (invitation: Invitation, token: SecretToken) {
        if let inviter {
            try Access.require(inviter, .inviteAccount(role: role))
            try await self.requireRecentAuthentication(inviter)
        }
        let email = try Self.normalizedEmail(email)
        let token = SecretToken.generate()
        let lifetime = Int(self.configuration.invitationLifetime.components.seconds)
        return try await self.pool.withTransaction { connection in
            let taken = try await connection.query("SELECT 1 FROM accounts WHERE email = \(email) AND status <> 'deleted'")
            guard taken.isEmpty else { throw AccountError.emailTaken }
            let row = try await connection.query(
                """
                INSERT INTO invitations (token_hash, email, role, invited_by, expires_at, approved_at, approved_by)
                VALUES (\(token.digest), \(email), \(role.rawValue), \(inviter?.accountID), now() + make_interval(secs => \(lifetime)),
                        now(), \(inviter?.accountID))
                RETURNING id, created_at, expires_at
                """
            ).first
            guard let row else { throw AccountError.notFound }
            let (id, created, expires) = try row.decode((UUID, Date, Date).self)
            try await self.audit.record(
                AuditEvent(actor: inviter?.accountID, action: "invitation.create", target: "invitation:\(id)", details: ["role": role.rawValue]),
                on: connection
            )
            try await self.mailInvitation(to: email, token: token, on: connection)
            return (Invitation(id: id, email: email, role: role, createdAt: created, expiresAt: expires, acceptedAt: nil, revokedAt: nil), token)
        }
    }

    /// On an installation with no account and no open invitation, invites `email` as the first
    /// administrator and returns the token; otherwise nil.
    public func bootstrapInvitation(email: String) async throws -> SecretToken? {
        let empty = try await self.pool.query(
            """
            SELECT NOT EXISTS (SELECT 1 FROM accounts)
               AND NOT EXISTS (SELECT 1 FROM invitations WHERE accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now())
            """
        ).first?.decode(column: 0, as: Bool.self) ?? false
        guard empty else { return nil }
        return try await self.invite(email: email, role: .administrator, by: nil).token
    }

    /// Every invitation, newest first.
    public func invitations(by actor: Actor) async throws -> [Invitation] {
        try Access.require(actor, .manageInvitations)
        let rows = try await self.pool.query(
            "SELECT id, email, role, created_at, expires_at, accepted_at, revoked_at FROM invitations ORDER BY created_at DESC LIMIT 500"
        )
        return try rows.map { row in
            let (id, email, role, created, expires, accepted, revoked) = try row.decode((UUID, String, String, Date, Date, Date?, Date?).self)
            return Invitation(
                id: id, email: email, role: Role(rawValue: role) ?? .member, createdAt: created, expiresAt: expires,
                acceptedAt: accepted, revokedAt: revoked
            )
        }
    }

    /// Revokes an open invitation.
    public func revokeInvitation(_ id: UUID, by actor: Actor) async throws {
        try Access.require(actor, .manageInvitations)
        try await self.requireRecentAuthentication(actor)
        let count = try await self.pool.execute(
            "UPDATE invitations SET revoked_at = now() WHERE id = \(id) AND accepted_at IS NULL AND revoked_at IS NULL"
        )
        guard count == 1 else { throw AccountError.notFound }
        try await self.audit.record(AuditEvent(actor: actor.accountID, action: "invitation.revoke", target: "invitation:\(id)"))
    }

    /// Accepts an invitation: creates the account with a display name and password, and signs in.
    /// Unknown, used, revoked and expired tokens all get `.tokenInvalid` and count as failures.
    public func acceptInvitation(token text: String, displayName: String, password: String, client: ClientInfo) async throws -> NewSession {
        let keys = self.throttle.keys(email: nil, client: client)
        try await self.throttle.check(keys)
        let token = SecretToken(text: text)
        let invitation = try await self.pool.query(
            """
            SELECT id, email, role, organisation_id, organisation_role FROM invitations
            WHERE token_hash = \(token.digest) AND accepted_at IS NULL AND revoked_at IS NULL AND approved_at IS NOT NULL
              AND expires_at > now()
            """
        ).first
        guard let invitation else {
            try await self.throttle.recordFailure(keys)
            throw AccountError.tokenInvalid
        }
        let (invitationID, email, role, organisation, organisationRole) = try invitation.decode((UUID, String, String, UUID?, String?).self)
        guard let name = displayName.trimmed(fitting: 1...100) else { throw AccountError.invalidInput("The display name must be 1 to 100 characters.") }
        let normalized = try self.configuration.passwordPolicy.check(password, context: [name, email])
        let hash = try await self.hashing { try await self.hashing.hash(normalized) }
        return try await self.pool.withTransaction { connection in
            // Claim the invitation first: two concurrent acceptances cannot both succeed.
            let claimed = try await connection.execute(
                "UPDATE invitations SET accepted_at = now() WHERE id = \(invitationID) AND accepted_at IS NULL AND revoked_at IS NULL"
            )
            guard claimed == 1 else { throw AccountError.tokenInvalid }
            let row: PostgresRow?
            do {
                row = try await connection.query(
                    """
                    INSERT INTO accounts (email, display_name, role, status, password_hash, password_changed_at)
                    VALUES (\(email), \(name), \(role), 'active', \(hash), now())
                    RETURNING id, email, display_name, role, status, totp_enabled_at IS NOT NULL, created_at, language
                    """
                ).first
            } catch let error as PostgresError where error.sqlState == .uniqueViolation {
                throw AccountError.emailTaken
            }
            guard let row else { throw AccountError.notFound }
            let account = try Self.account(from: row)
            try await connection.execute("UPDATE invitations SET account_id = \(account.id) WHERE id = \(invitationID)")
            if let organisation {
                try await connection.execute(
                    """
                    INSERT INTO memberships (organisation_id, account_id, role) VALUES (\(organisation), \(account.id), \(organisationRole ?? "member"))
                    ON CONFLICT DO NOTHING
                    """
                )
            }
            try await self.audit.record(
                AuditEvent(actor: account.id, action: "invitation.accept", target: "invitation:\(invitationID)", addressPrefix: client.addressPrefix),
                on: connection
            )
            return try await self.openSession(for: account, client: client, on: connection)
        }
    }
}
