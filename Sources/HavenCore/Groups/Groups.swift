import Foundation
import PostgresClient

/// A named set of members (e.g. a working group), used to restrict categories and documents.
public struct Group: Sendable, Equatable, Codable {
    public var id: UUID
    public var name: String
    public var description: String
    public var memberCount: Int
}

/// Groups: staff read them, administrators manage them.
public struct Groups: Sendable {
    let pool: PostgresPool
    let audit: AuditLog

    public init(pool: PostgresPool) {
        self.pool = pool
        self.audit = AuditLog(pool: pool)
    }

    public func list(by actor: Actor) async throws -> [Group] {
        try Access.require(actor, .readGroups)
        let rows = try await self.pool.query(
            """
            SELECT g.id, g.name, g.description, (SELECT count(*) FROM group_members m WHERE m.group_id = g.id)
            FROM groups g ORDER BY g.name
            """
        )
        return try rows.map { row in
            let (id, name, description, count) = try row.decode((UUID, String, String, Int).self)
            return Group(id: id, name: name, description: description, memberCount: count)
        }
    }

    public func create(name: String, description: String, by actor: Actor) async throws -> Group {
        try Access.require(actor, .manageGroups)
        guard let name = name.trimmed(fitting: 1...100), description.codePoints <= 1000 else {
            throw AccountError.invalidInput("A group has a name of 1 to 100 characters and a description of at most 1,000.")
        }
        do {
            let id = try await self.pool.query(
                "INSERT INTO groups (name, description) VALUES (\(name), \(description)) RETURNING id"
            ).first?.decode(column: 0, as: UUID.self)
            guard let id else { throw AccountError.notFound }
            try await self.audit.record(AuditEvent(actor: actor.accountID, action: "group.create", target: "group:\(id)"))
            return Group(id: id, name: name, description: description, memberCount: 0)
        } catch let error as PostgresError where error.sqlState == .uniqueViolation {
            throw AccountError.invalidInput("A group with this name exists.")
        }
    }

    public func addMember(_ account: UUID, to group: UUID, by actor: Actor) async throws {
        try Access.require(actor, .manageGroups)
        do {
            try await self.pool.execute(
                "INSERT INTO group_members (group_id, account_id) VALUES (\(group), \(account)) ON CONFLICT DO NOTHING"
            )
        } catch let error as PostgresError where error.sqlState == .foreignKeyViolation {
            throw AccountError.notFound
        }
        try await self.audit.record(
            AuditEvent(actor: actor.accountID, action: "group.member-add", target: "account:\(account)", details: ["group": group.uuidString])
        )
    }

    public func removeMember(_ account: UUID, from group: UUID, by actor: Actor) async throws {
        try Access.require(actor, .manageGroups)
        let removed = try await self.pool.execute("DELETE FROM group_members WHERE group_id = \(group) AND account_id = \(account)")
        guard removed == 1 else { throw AccountError.notFound }
        try await self.audit.record(
            AuditEvent(actor: actor.accountID, action: "group.member-remove", target: "account:\(account)", details: ["group": group.uuidString])
        )
    }
}
