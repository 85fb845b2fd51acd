import Foundation
import PostgresClient

extension Forums {
    /// The longest retention period a category may set, in days (100 years).
    public static let maximumCategoryRetentionDays = 36_500

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
