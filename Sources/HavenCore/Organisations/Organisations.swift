import Foundation
import PostgresClient

/// Organisations, their members and their admins. Every operation asks `Access` first; hidden
/// organisations and member lists are reported as not found.
public struct Organisations: Sendable {
    let pool: PostgresPool
    let accounts: Accounts
    let audit: AuditLog

    public init(pool: PostgresPool, accounts: Accounts) {
        self.pool = pool
        self.accounts = accounts
        self.audit = AuditLog(pool: pool)
    }

    /// Proposes an organisation; it waits for staff approval, with the proposer as its admin.
    public func propose(_ draft: OrganisationDraft, by actor: Actor) async throws -> Organisation {
        try Access.require(actor, .proposeOrganisation)
        let draft = try draft.validated()
        return try await self.pool.withTransaction { connection in
            let row = try await connection.query(
                """
                INSERT INTO organisations (names, country, kind, thematic_areas, profile, status, created_by)
                VALUES (\(Self.json(draft.names))::jsonb, \(draft.country), \(draft.kind.rawValue), \(draft.thematicAreas.map(\.rawValue)),
                        \(draft.profile), 'pending', \(actor.accountID))
                RETURNING id, names::text, country, kind, thematic_areas, profile, status, created_at
                """
            ).first
            guard let row else { throw AccountError.notFound }
            let organisation = try Self.organisation(from: row)
            try await connection.execute(
                "INSERT INTO memberships (organisation_id, account_id, role) VALUES (\(organisation.id), \(actor.accountID), 'admin')"
            )
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "organisation.propose", target: "organisation:\(organisation.id)"), on: connection
            )
            return organisation
        }
    }

    /// Organisations the actor may see: active ones, plus those they administer, plus all for staff.
    public func list(by actor: Actor) async throws -> [Organisation] {
        try Access.require(actor, .listOrganisations)
        let rows = try await self.pool.query(
            """
            SELECT id, names::text, country, kind, thematic_areas, profile, status, created_at FROM organisations
            ORDER BY created_at LIMIT 1000
            """
        )
        return try rows.map(Self.organisation(from:)).filter {
            Access.decide(actor, .readOrganisation(id: $0.id, status: $0.status)) == .allow
        }
    }

    public func read(_ id: UUID, by actor: Actor) async throws -> Organisation {
        let organisation = try await self.load(id)
        try Access.require(actor, .readOrganisation(id: id, status: organisation?.status ?? .pending))
        guard let organisation else { throw AccountError.notFound }
        return organisation
    }

    public func update(_ id: UUID, with draft: OrganisationDraft, by actor: Actor) async throws -> Organisation {
        try Access.require(actor, .updateOrganisation(id: id))
        let draft = try draft.validated()
        let row = try await self.pool.query(
            """
            UPDATE organisations SET names = \(Self.json(draft.names))::jsonb, country = \(draft.country), kind = \(draft.kind.rawValue),
                thematic_areas = \(draft.thematicAreas.map(\.rawValue)), profile = \(draft.profile), updated_at = now()
            WHERE id = \(id)
            RETURNING id, names::text, country, kind, thematic_areas, profile, status, created_at
            """
        ).first
        guard let row else { throw AccountError.notFound }
        try await self.audit.record(AuditEvent(actor: actor.accountID, action: "organisation.update", target: "organisation:\(id)"))
        return try Self.organisation(from: row)
    }

    /// Staff set an organisation's status (approve: active; suspend).
    public func setStatus(_ id: UUID, to status: OrganisationStatus, by actor: Actor) async throws {
        try Access.require(actor, .reviewOrganisation)
        try await self.accounts.requireRecentAuthentication(actor)
        let changed = try await self.pool.execute(
            "UPDATE organisations SET status = \(status.rawValue), updated_at = now() WHERE id = \(id)"
        )
        guard changed == 1 else { throw AccountError.notFound }
        try await self.audit.record(
            AuditEvent(actor: actor.accountID, action: "organisation.status", target: "organisation:\(id)", details: ["status": status.rawValue])
        )
    }

    /// The organisation's members (for its members and staff only).
    public func members(of id: UUID, by actor: Actor) async throws -> [OrganisationMember] {
        try Access.require(actor, .readOrganisationMembers(id: id))
        let rows = try await self.pool.query(
            """
            SELECT a.id, a.display_name, m.role, m.created_at FROM memberships m JOIN accounts a ON a.id = m.account_id
            WHERE m.organisation_id = \(id) AND a.status = 'active' ORDER BY a.display_name, a.id
            """
        )
        return try rows.map { row in
            let (account, name, role, since) = try row.decode((UUID, String?, String, Date).self)
            return OrganisationMember(accountId: account, displayName: name, role: OrganisationRole(rawValue: role) ?? .member, since: since)
        }
    }

    /// Removes a member (organisation admins and staff); the last admin cannot be removed.
    public func removeMember(_ account: UUID, from id: UUID, by actor: Actor) async throws {
        try Access.require(actor, .manageOrganisationMembers(id: id))
        try await self.pool.withTransaction { connection in
            try await Self.lockOrganisation(id, on: connection)
            let role = try await connection.query(
                "SELECT role FROM memberships WHERE organisation_id = \(id) AND account_id = \(account)"
            ).first?.decode(column: 0, as: String.self)
            guard let role else { throw AccountError.notFound }
            if role == OrganisationRole.admin.rawValue {
                try await Self.requireAnotherAdmin(of: id, besides: account, on: connection)
            }
            try await connection.execute("DELETE FROM memberships WHERE organisation_id = \(id) AND account_id = \(account)")
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "organisation.member-remove", target: "account:\(account)",
                           details: ["organisation": id.uuidString]),
                on: connection
            )
        }
    }

    /// Makes a member an admin of the organisation, or a plain member again.
    public func setRole(_ role: OrganisationRole, of account: UUID, in id: UUID, by actor: Actor) async throws {
        try Access.require(actor, .manageOrganisationMembers(id: id))
        try await self.pool.withTransaction { connection in
            try await Self.lockOrganisation(id, on: connection)
            if role == .member { try await Self.requireAnotherAdmin(of: id, besides: account, on: connection) }
            let changed = try await connection.execute(
                "UPDATE memberships SET role = \(role.rawValue) WHERE organisation_id = \(id) AND account_id = \(account)"
            )
            guard changed == 1 else { throw AccountError.notFound }
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "organisation.member-role", target: "account:\(account)",
                           details: ["organisation": id.uuidString, "role": role.rawValue]),
                on: connection
            )
        }
    }

    // MARK: Helpers

    func load(_ id: UUID) async throws -> Organisation? {
        try await self.pool.query(
            "SELECT id, names::text, country, kind, thematic_areas, profile, status, created_at FROM organisations WHERE id = \(id)"
        ).first.map(Self.organisation(from:))
    }

    /// Serialises membership changes of one organisation (the last-admin rule needs it).
    static func lockOrganisation(_ id: UUID, on connection: PostgresConnection) async throws {
        let found = try await connection.query("SELECT 1 FROM organisations WHERE id = \(id) FOR UPDATE")
        guard !found.isEmpty else { throw AccountError.notFound }
    }

    static func requireAnotherAdmin(of id: UUID, besides account: UUID, on connection: PostgresConnection) async throws {
        let others = try await connection.query(
            "SELECT count(*) FROM memberships WHERE organisation_id = \(id) AND role = 'admin' AND account_id <> \(account)"
        ).first?.decode(column: 0, as: Int.self) ?? 0
        guard others > 0 else { throw AccountError.conflict("An organisation keeps at least one admin.") }
    }

    static func json(_ names: [String: String]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: names, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func organisation(from row: PostgresRow) throws -> Organisation {
        let (id, names, country, kind, areas, profile, status, created) =
            try row.decode((UUID, String, String, String, [String], String, String, Date).self)
        return Organisation(
            id: id, names: (try? JSONSerialization.jsonObject(with: Data(names.utf8))) as? [String: String] ?? [:],
            country: country, kind: OrganisationKind(rawValue: kind) ?? .other,
            thematicAreas: areas.compactMap(ThematicArea.init(rawValue:)), profile: profile,
            status: OrganisationStatus(rawValue: status) ?? .pending, createdAt: created
        )
    }
}
