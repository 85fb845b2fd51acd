import PostgresClient

/// What waits for people or for workers, counted in one statement for metrics: posts and
/// document versions awaiting a moderator, open reports, and mail not yet sent or given up.
public struct Backlog: Sendable, Equatable {
    public var pendingPosts: Int
    public var pendingDocumentVersions: Int
    public var openFlags: Int
    public var mailPending: Int
    public var mailDead: Int

    public static func measure(pool: PostgresPool) async throws -> Backlog {
        let row = try await pool.query(
            """
            SELECT (SELECT count(*)::int FROM forum_posts WHERE state = 'pending'),
                   (SELECT count(*)::int FROM document_versions WHERE state = 'pending'),
                   (SELECT count(*)::int FROM forum_flags WHERE resolved_at IS NULL),
                   (SELECT count(*)::int FROM mail_outbox WHERE sent_at IS NULL AND dead_at IS NULL),
                   (SELECT count(*)::int FROM mail_outbox WHERE dead_at IS NOT NULL)
            """
        ).first
        let (posts, documents, flags, pending, dead) = try row?.decode((Int, Int, Int, Int, Int).self) ?? (0, 0, 0, 0, 0)
        return Backlog(pendingPosts: posts, pendingDocumentVersions: documents, openFlags: flags, mailPending: pending, mailDead: dead)
    }
}
