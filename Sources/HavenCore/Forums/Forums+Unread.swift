import Foundation
import PostgresClient

extension Forums {
    /// How many topics with posts the viewer has not read each visible category holds (the same
    /// notion of unread as `unreadTopics`); categories with none are left out.
    public func unreadCounts(for actor: Actor) async throws -> [UUID: Int] {
        try Access.require(actor, .searchForums)
        let visible = try await self.visibleCategoryIDs(for: actor)
        // forum_topics_listing (category_id, … WHERE published) narrows to the visible categories; reads join by key.
        let rows = try await self.pool.query(
            """
            SELECT t.category_id, count(*)::int
            FROM forum_topics t LEFT JOIN forum_reads r ON r.topic_id = t.id AND r.account_id = \(actor.accountID)
            WHERE t.state = 'published' AND t.category_id = ANY(\(visible)) AND t.last_post_seq > coalesce(r.last_read_seq, 0)
            GROUP BY t.category_id
            """
        )
        var counts: [UUID: Int] = [:]
        for row in rows {
            let (category, count) = try row.decode((UUID, Int32).self)
            counts[category] = Int(count)
        }
        return counts
    }

    /// Whether the viewer moderates the category `topicID` is in (so pages offer moderators'
    /// tools, such as a post's history); false for a topic they cannot see.
    public func mayModerate(topic topicID: UUID, for actor: Actor) async throws -> Bool {
        guard let stored = try await self.storedTopic(topicID, viewer: actor.accountID) else { return false }
        return Access.decide(actor, .moderateCategory(stored.category.effective)) == .allow
    }
}
