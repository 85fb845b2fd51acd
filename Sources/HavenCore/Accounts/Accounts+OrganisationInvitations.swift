import Foundation
import PostgresClient

/// A member listed in the directory (only those who opted in).
public struct DirectoryEntry: Sendable, Equatable, Codable {
    public var accountId: UUID
    public var displayName: String?
    /// The active organisations they belong to, by id.
    public var organisations: [UUID]
}

extension Accounts {
    /// Invites `email` into an organisation (its admins, or staff). Unless staff made it, the
    /// invitation waits for staff approval when the installation requires it, and the mail goes
    /// out only once approved. An address that already has an account can join with the token
    /// after signing in; the answer is the same either way.
    public func inviteToOrganisation(_ organisation: UUID, email: String, role: OrganisationRole, by actor: Actor) async throws -> Invitation {
        try Access.require(actor, .inviteToOrganisation(id: organisation))
        let email = try Self.normalizedEmail(email)
        let lifetime = Int(self.configuration.invitationLifetime.components.seconds)
        let needsApproval = self.configuration.organisationInvitationsNeedApproval && Access.decide(actor, .manageInvitations) != .allow
        let token = SecretToken.generate()
        return try await self.pool.withTransaction { connection in
            let active = try await connection.query("SELECT status = 'active' FROM organisations WHERE id = \(organisation)")
                .first?.decode(column: 0, as: Bool.self)
            guard active == true else { throw AccountError.conflict("Only an approved organisation can invite.") }
            let row = try await connection.query(
                """
                INSERT INTO invitations (token_hash, email, role, invited_by, expires_at, organisation_id, organisation_role, approved_at, approved_by)
                VALUES (\(token.digest), \(email), 'member', \(actor.accountID), now() + make_interval(secs => \(lifetime)), \(organisation),
                        \(role.rawValue), CASE WHEN \(needsApproval) THEN NULL ELSE now() END,
                        CASE WHEN \(needsApproval) THEN NULL ELSE \(actor.accountID) END)
                RETURNING id, created_at, expires_at
                """
            ).first
            guard let row else { throw AccountError.notFound }
            let (id, created, expires) = try row.decode((UUID, Date, Date).self)
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "invitation.create", target: "invitation:\(id)",
                           details: ["organisation": organisation.uuidString, "organisation_role": role.rawValue, "approval": needsApproval ? "pending" : "none"]),
                on: connection
            )
            if !needsApproval { try await self.mailInvitation(to: email, token: token, on: connection) }
            return Invitation(id: id, email: email, role: .member, createdAt: created, expiresAt: expires, acceptedAt: nil, revokedAt: nil)
        }
    }

    /// Staff approve an organisation admin's invitation; a fresh token goes out by mail (the one
    /// made at creation was never sent).
    public func approveInvitation(_ id: UUID, by actor: Actor) async throws {
        try Access.require(actor, .manageInvitations)
        try await self.requireRecentAuthentication(actor)
        let token = SecretToken.generate()
        try await self.pool.withTransaction { connection in
            let email = try await connection.query(
                """
                UPDATE invitations SET approved_at = now(), approved_by = \(actor.accountID), token_hash = \(token.digest)
                WHERE id = \(id) AND approved_at IS NULL AND revoked_at IS NULL AND accepted_at IS NULL
                RETURNING email
                """
            ).first?.decode(column: 0, as: String.self)
            guard let email else { throw AccountError.notFound }
            try await self.audit.record(AuditEvent(actor: actor.accountID, action: "invitation.approve", target: "invitation:\(id)"), on: connection)
            try await self.mailInvitation(to: email, token: token, on: connection)
        }
    }

    /// A signed-in account joins the organisation an invitation to its own address names.
    public func joinOrganisation(token text: String, by actor: Actor, client: ClientInfo) async throws {
        let keys = self.throttle.keys(email: nil, client: client)
        try await self.throttle.check(keys)
        let token = SecretToken(text: text)
        try await self.pool.withTransaction { connection in
            let invitation = try await connection.query(
                """
                UPDATE invitations SET accepted_at = now(), account_id = \(actor.accountID)
                WHERE token_hash = \(token.digest) AND email = \(actor.email) AND organisation_id IS NOT NULL
                  AND accepted_at IS NULL AND revoked_at IS NULL AND approved_at IS NOT NULL AND expires_at > now()
                RETURNING id, organisation_id, organisation_role
                """
            ).first?.decode((UUID, UUID, String).self)
            guard let (id, organisation, role) = invitation else { throw AccountError.tokenInvalid }
            try await connection.execute(
                """
                INSERT INTO memberships (organisation_id, account_id, role) VALUES (\(organisation), \(actor.accountID), \(role))
                ON CONFLICT (organisation_id, account_id) DO NOTHING
                """
            )
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "invitation.join", target: "invitation:\(id)",
                           details: ["organisation": organisation.uuidString]),
                on: connection
            )
        }
    }

    func mailInvitation(to email: String, token: SecretToken, on connection: PostgresConnection) async throws {
        try await Mailbox.enqueue(
            to: email, kind: "invitation", subject: "You are invited to Haven",
            body: """
                You have been invited to join Haven. Accept the invitation within 7 days at:

                \(self.configuration.publicURL)/web/invitations/accept#\(token.text)

                If you did not expect this, ignore this message.
                """,
            on: connection
        )
    }

    /// Members who chose to be listed, with their active organisations.
    public func directory(by actor: Actor) async throws -> [DirectoryEntry] {
        try Access.require(actor, .readDirectory)
        let rows = try await self.pool.query(
            """
            SELECT a.id, a.display_name,
                   ARRAY(SELECT m.organisation_id FROM memberships m JOIN organisations o ON o.id = m.organisation_id
                         WHERE m.account_id = a.id AND o.status = 'active' ORDER BY m.organisation_id)
            FROM accounts a WHERE a.directory_visible AND a.status = 'active' ORDER BY a.display_name, a.id LIMIT 1000
            """
        )
        return try rows.map { row in
            let (id, name, organisations) = try row.decode((UUID, String?, [UUID]).self)
            return DirectoryEntry(accountId: id, displayName: name, organisations: organisations)
        }
    }

    /// Whether the actor is listed in the member directory.
    public func isDirectoryVisible(_ actor: Actor) async throws -> Bool {
        try await self.pool.query("SELECT directory_visible FROM accounts WHERE id = \(actor.accountID)")
            .first?.decode(column: 0, as: Bool.self) ?? false
    }

    /// Opts the actor in or out of the member directory.
    public func setDirectoryVisibility(_ visible: Bool, for actor: Actor) async throws {
        try Access.require(actor, .useOwnAccount)
        try await self.pool.execute("UPDATE accounts SET directory_visible = \(visible), updated_at = now() WHERE id = \(actor.accountID)")
    }
}
