import Foundation
import PostgresClient

extension Retention {
    /// Topics removed per transaction.
    static let topicBatchSize = 200

    /// Posts deleted softly before `cutoff`: a deleted first post takes its (deleted) topic with
    /// every post in it; a deleted reply goes alone. Revisions, reactions, flags and bookmarks go
    /// with their post. Returns the posts removed.
    func purgeDeletedPosts(before cutoff: Date) async throws -> Int {
        var removed = try await self.purgeTopics {
            // forum_posts_deleted
            """
            SELECT p.topic_id FROM forum_posts p JOIN forum_topics t ON t.id = p.topic_id
            WHERE p.state = 'deleted' AND p.is_first AND p.moderated_at < \(cutoff) AND t.state = 'deleted'
            LIMIT \(Self.topicBatchSize)
            """
        }
        removed += try await self.batched {
            """
            DELETE FROM forum_posts WHERE id IN (
                SELECT id FROM forum_posts
                WHERE state = 'deleted' AND NOT is_first AND moderated_at < \(cutoff) LIMIT \(Self.batchSize))
            """
        }
        return removed
    }

    /// Posts older than their category's `retention_days`: whole topics whose every post is that
    /// old (and topics left empty), then older replies in topics still alive — a living topic
    /// keeps its first post, which its replies answer. Returns the posts removed.
    func purgeCategoryPosts(now: Date) async throws -> Int {
        var removed = try await self.purgeTopics {
            """
            SELECT t.id FROM forum_topics t JOIN forum_categories c ON c.id = t.category_id
            WHERE c.retention_days IS NOT NULL
              AND t.created_at < \(now)::timestamptz - make_interval(days => c.retention_days)
              AND NOT EXISTS (SELECT 1 FROM forum_posts p
                              WHERE p.topic_id = t.id AND p.created_at >= \(now)::timestamptz - make_interval(days => c.retention_days))
            LIMIT \(Self.topicBatchSize)
            """
        }
        while true {
            let batch = try await self.pool.withTransaction { connection -> Int in
                let topics = try await connection.query(
                    """
                    WITH old AS (
                        SELECT p.id FROM forum_posts p JOIN forum_topics t ON t.id = p.topic_id JOIN forum_categories c ON c.id = t.category_id
                        WHERE c.retention_days IS NOT NULL AND NOT p.is_first
                          AND p.created_at < \(now)::timestamptz - make_interval(days => c.retention_days)
                        LIMIT \(Self.batchSize)
                    ), gone AS (
                        DELETE FROM forum_posts WHERE id IN (SELECT id FROM old) RETURNING topic_id
                    )
                    SELECT topic_id, count(*)::int FROM gone GROUP BY topic_id
                    """
                ).decode((UUID, Int32).self)
                guard !topics.isEmpty else { return 0 }
                try await connection.execute(
                    """
                    UPDATE forum_topics t SET reply_count =
                        (SELECT count(*) FROM forum_posts p WHERE p.topic_id = t.id AND NOT p.is_first AND p.state = 'published')
                    WHERE t.id = ANY(\(topics.map(\.0)))
                    """
                )
                return topics.reduce(0) { $0 + Int($1.1) }
            }
            removed += batch
            if batch < Self.batchSize { return removed }
        }
    }

    /// Deletes, batch by batch, the topics `select` names (at most `topicBatchSize` ids each
    /// time) with all their posts; topics merged into them no longer point there.
    /// Returns the posts removed.
    func purgeTopics(_ select: () -> PostgresQuery) async throws -> Int {
        var removed = 0
        while true {
            let (topics, posts) = try await self.pool.withTransaction { connection -> (Int, Int) in
                let ids = try await connection.query(select()).decode(UUID.self)
                guard !ids.isEmpty else { return (0, 0) }
                try await connection.execute("UPDATE forum_topics SET merged_into = NULL WHERE merged_into = ANY(\(ids))")
                let posts = try await connection.execute("DELETE FROM forum_posts WHERE topic_id = ANY(\(ids))")
                try await connection.execute("DELETE FROM forum_topics WHERE id = ANY(\(ids))")
                return (ids.count, posts)
            }
            removed += posts
            if topics < Self.topicBatchSize { return removed }
        }
    }
}
