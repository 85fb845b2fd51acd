import Foundation
import PostgresClient

extension Forums {
    /// What a post or topic shows as its author once the author's account is gone.
    public static let formerMember = "Former member"

    /// Forgets a member whose account is being erased, on `connection` (inside the purge's
    /// transaction, before the account row goes).
    ///
    /// `.keep`: their published (and hidden) posts stay as they are; deleting the account row
    /// then clears every author, editor, writer, flagger and moderator id (the foreign keys say
    /// `ON DELETE SET NULL`), so they read as a former member's. Posts nobody but they and the
    /// moderators ever saw (pending or rejected) are removed either way. `.remove`: every post's
    /// words go now — source, HTML, title, search terms and earlier revisions — and each post stays
    /// as a deleted shell so replies keep their place, deleted as of now for the retention job,
    /// which purges it with the other deleted posts. A topic they started goes too (its title
    /// blanked) unless someone else's published post remains in it. Quotes of their posts in other
    /// people's posts are those people's content and stay.
    static func forget(_ account: UUID, posts: DeletedPosts, on connection: PostgresConnection) async throws {
        let everything = posts == .remove
        let topics = try await connection.query(
            """
            SELECT DISTINCT topic_id FROM forum_posts
            WHERE author_id = \(account) AND (\(everything) OR state IN ('pending', 'rejected'))
            """ // forum_posts_author
        ).map { try $0.decode(column: 0, as: UUID.self) }
        guard !topics.isEmpty else { return }
        try await connection.execute(
            """
            DELETE FROM forum_post_revisions WHERE post_id IN (
                SELECT id FROM forum_posts WHERE author_id = \(account) AND (\(everything) OR state IN ('pending', 'rejected')))
            """
        )
        try await connection.execute(
            """
            UPDATE forum_posts SET state = 'deleted', source = '-', html = '', title = '', moderation_reason = '',
                search_vector = ''::tsvector, author_id = NULL, edited_by = NULL, edited_at = NULL,
                moderated_by = NULL, moderated_at = now()
            WHERE author_id = \(account) AND (\(everything) OR state IN ('pending', 'rejected'))
            """
        )
        try await connection.execute(
            """
            UPDATE forum_topics t SET state = 'deleted', title = '-', author_id = NULL
            WHERE t.author_id = \(account) AND t.state <> 'merged' AND t.id = ANY(\(topics))
              AND NOT EXISTS (SELECT 1 FROM forum_posts p WHERE p.topic_id = t.id AND p.state IN ('published', 'hidden'))
            """
        )
        for topic in topics { try await Self.refreshTopic(topic, on: connection) }
    }
}
