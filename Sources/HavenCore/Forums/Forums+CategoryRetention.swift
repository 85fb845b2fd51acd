import Foundation
import PostgresClient

extension Forums {
    /// The longest retention period a category may set, in days (100 years).
    public static let maximumCategoryRetentionDays = 36_500

    /// How many days posts in a category are kept (nil: kept), for whoever manages categories.
    public func retention(ofCategory id: UUID, by actor: Actor) async throws -> Int? {
        try Access.require(actor, .manageCategories)
        guard let row = try await self.pool.query("SELECT retention_days FROM forum_categories WHERE id = \(id)").first else {
            throw AccountError.notFound
        }
        return try row.decode(column: 0, as: Int32?.self).map(Int.init)
    }

    /// Sets how many days posts in a category are kept before the retention job deletes them
    /// ("discussions here disappear after 90 days"), or with nil keeps them (whoever manages
    /// categories). Audited.
    public func setRetention(days: Int?, ofCategory id: UUID, by actor: Actor) async throws {
        try Access.require(actor, .manageCategories)
        if let days, !(1...Self.maximumCategoryRetentionDays).contains(days) {
            throw AccountError.invalidInput("A category keeps posts for 1 to \(Self.maximumCategoryRetentionDays) days.")
        }
        try await self.pool.withTransaction { connection in
            let changed = try await connection.execute(
                "UPDATE forum_categories SET retention_days = \(days.map { Int32($0) }) WHERE id = \(id)"
            )
            guard changed == 1 else { throw AccountError.notFound }
            try await self.audit.record(
                AuditEvent(
                    actor: actor.accountID, action: "forum.category-retention", target: "category:\(id)",
                    details: ["days": days.map(String.init) ?? "keep"]
                ),
                on: connection
            )
        }
    }
}
