import Foundation
import PostgresClient

/// Organisations, their members and their admins. Every operation asks `Access` first; hidden
/// organisations and member lists are reported as not found.
public struct Organisations: Sendable {
    let pool: PostgresPool
    let accounts: Accounts
    let audit: AuditLog

    static let columns: StaticString = "id, names::text, country, kind, thematic_areas, profile, status, created_at, shown_to_members"
    /// The same, from `organisations o`.
    static let qualifiedColumns: StaticString = "o.id, o.names::text, o.country, o.kind, o.thematic_areas, o.profile, o.status, o.created_at, o.shown_to_members"

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
                INSERT INTO organisations (names, country, kind, thematic_areas, profile, status, created_by, shown_to_members)
                VALUES (\(Self.json(draft.names))::jsonb, \(draft.country), \(draft.kind.rawValue), \(draft.thematicAreas.map(\.rawValue)),
                        \(draft.profile), 'pending', \(actor.accountID),
                        \((draft.shownToMembers ?? OrganisationField.allCases).map(\.rawValue)))
                RETURNING \(fragment: Self.columns)
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
            SELECT \(fragment: Self.columns) FROM organisations
            ORDER BY created_at LIMIT 1000
            """
        )
        return try rows.map(Self.organisation(from:)).compactMap { Self.view($0, for: actor) }
    }

    public func read(_ id: UUID, by actor: Actor) async throws -> Organisation {
        let organisation = try await self.load(id)
        try Access.require(actor, .readOrganisation(id: id, status: organisation?.status ?? .pending, listed: organisation.map(Self.listed) ?? false))
        guard let organisation, let view = Self.view(organisation, for: actor) else { throw AccountError.notFound }
        return view
    }

    static func listed(_ organisation: Organisation) -> Bool { organisation.shownToMembers?.contains(.listed) ?? false }

    /// The organisation as `actor` may see it (nil: not at all): whole for its members and staff,
    /// only what it shows for members of other organisations.
    static func view(_ organisation: Organisation, for actor: Actor) -> Organisation? {
        let permission = Permission.readOrganisation(id: organisation.id, status: organisation.status, listed: Self.listed(organisation))
        guard Access.decide(actor, permission) == .allow else { return nil }
        let insider = actor.role == .administrator || actor.memberships[organisation.id] != nil
        return insider ? organisation : organisation.shownToOtherMembers()
    }

    public func update(_ id: UUID, with draft: OrganisationDraft, by actor: Actor) async throws -> Organisation {
        try Access.require(actor, .updateOrganisation(id: id))
        let draft = try draft.validated()
        let row = try await self.pool.query(
            """
            UPDATE organisations SET names = \(Self.json(draft.names))::jsonb, country = \(draft.country), kind = \(draft.kind.rawValue),
                thematic_areas = \(draft.thematicAreas.map(\.rawValue)), profile = \(draft.profile),
                shown_to_members = coalesce(\(draft.shownToMembers?.map(\.rawValue))::text[], shown_to_members), updated_at = now()
            WHERE id = \(id)
            RETURNING \(fragment: Self.columns)
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
            "SELECT \(fragment: Self.columns) FROM organisations WHERE id = \(id)"
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
        let (id, names, country, kind, areas, profile, status, created, shown) =
            try row.decode((UUID, String, String, String, [String], String, String, Date, [String]).self)
        return Organisation(
            id: id, names: (try? JSONSerialization.jsonObject(with: Data(names.utf8))) as? [String: String] ?? [:],
            country: country, kind: OrganisationKind(rawValue: kind) ?? .other,
            thematicAreas: areas.compactMap(ThematicArea.init(rawValue:)), profile: profile,
            status: OrganisationStatus(rawValue: status) ?? .pending, createdAt: created,
            shownToMembers: shown.compactMap(OrganisationField.init(rawValue:))
        )
    }
}
