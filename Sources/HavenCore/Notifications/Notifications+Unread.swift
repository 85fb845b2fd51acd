import Foundation
import PostgresClient

extension Notifications {
    /// How many of the actor's notifications are unread: one count on the partial index
    /// notifications_unread, cheap enough for every page's navigation.
    public func unreadCount(for actor: Actor) async throws -> Int {
        try await self.pool.query(
            "SELECT count(*)::int FROM notifications WHERE account_id = \(actor.accountID) AND read_at IS NULL"
        ).first?.decode(column: 0, as: Int.self) ?? 0
    }
}
