import Foundation
import PostgresClient

extension Forums {
    /// A post as read from the database, before what the viewer may not see is removed.
    struct LoadedPost: Sendable {
        var seq: Int
        var post: ForumPost
        /// Who wrote it, for the access checks (never shown in a pseudonymous category).
        var author: UUID?
    }

    /// A post's row with its topic and category, as the checks on it need them.
    struct StoredPost: Sendable {
        var id: UUID
        var seq: Int
        var authorId: UUID?
        var state: PostState
        var version: Int
        var isFirst: Bool
        var source: String
        var language: String
        var title: String
        var writtenBy: UUID?
        var writtenAt: Date
        var topic: StoredTopic

        var rules: CategoryRules { self.topic.category.effective }
    }

    /// The columns `loadedPost(from:)` decodes, from `p` (post), `a` (author) and `viewer` (`id`).
    static let postColumns: StaticString = """
        p.seq, p.id, p.topic_id, p.author_id, a.display_name, p.reply_to, p.html, p.state, p.moderation_reason, p.version,
        p.created_at, p.edited_at, p.source,
        ARRAY(SELECT r.kind FROM forum_reactions r WHERE r.post_id = p.id GROUP BY r.kind ORDER BY r.kind),
        ARRAY(SELECT count(*)::int FROM forum_reactions r WHERE r.post_id = p.id GROUP BY r.kind ORDER BY r.kind),
        ARRAY(SELECT r.kind FROM forum_reactions r WHERE r.post_id = p.id AND r.account_id = viewer.id ORDER BY r.kind),
        EXISTS (SELECT 1 FROM forum_bookmarks b WHERE b.post_id = p.id AND b.account_id = viewer.id),
        (SELECT pc.pseudonymous FROM forum_categories pc WHERE pc.id = p.category_id),
        (SELECT pp.pseudonym FROM forum_pseudonyms pp WHERE pp.topic_id = p.topic_id AND pp.account_id = p.author_id)
        """

    /// A post row; in a pseudonymous category its author is the pseudonym only (the account apart,
    /// for the access checks), and `mine` says whether `viewer` wrote it.
    static func loadedPost(from row: PostgresRow, viewer: UUID) throws -> LoadedPost {
        let (seq, id, topic, author, name, replyTo, html, state, reason, version, created, edited, source, kinds, counts, mine, bookmarked) =
            try row.decode(
                (Int, UUID, UUID, UUID?, String?, UUID?, String, String, String, Int32, Date, Date?, String, [String], [Int32], [String], Bool).self
            )
        let (pseudonymous, pseudonym) = try row.decode((Bool?, String?).self, startingAt: 17)
        var post = ForumPost(
            id: id, topicId: topic, authorId: author, authorName: name, replyTo: replyTo, html: html,
            state: PostState(rawValue: state) ?? .hidden, moderationReason: reason, version: Int(version), createdAt: created, editedAt: edited,
            reactions: Dictionary(zip(kinds, counts.map(Int.init)), uniquingKeysWith: +), myReactions: mine, bookmarked: bookmarked,
            source: source
        )
        if pseudonymous != false {
            post.authorId = nil
            post.authorName = pseudonym
            post.pseudonymous = true
            post.mine = author != nil && author == viewer
        }
        return LoadedPost(seq: seq, post: post, author: author)
    }

    /// Removes what the viewer may not see: the source unless they may edit, the moderation
    /// reason unless it is theirs or they moderate.
    func view(_ loaded: LoadedPost, rules: CategoryRules, topicLocked: Bool, for actor: Actor) -> ForumPost {
        var post = loaded.post
        let mayChange = Access.decide(actor, .changePost(rules, author: loaded.author, state: post.state, topicLocked: topicLocked)) == .allow
        if !mayChange { post.source = nil }
        let concerned = loaded.author == actor.accountID || Access.decide(actor, .moderateCategory(rules)) == .allow
        if !concerned || post.moderationReason?.isEmpty == true { post.moderationReason = nil }
        return post
    }

    /// The post with its topic and category; nil when there is no such post.
    func storedPost(_ id: UUID, viewer: UUID, lock: Bool = false, on connection: PostgresConnection? = nil) async throws -> StoredPost? {
        let locking: StaticString = lock ? "FOR UPDATE OF p, t" : ""
        let query: PostgresQuery = """
            SELECT p.id, p.seq, p.author_id, p.state, p.version, p.is_first, p.source, p.language, p.title,
                   coalesce(p.edited_by, p.author_id), coalesce(p.edited_at, p.created_at),
                   \(fragment: Self.topicColumns), \(fragment: Self.categoryColumns)
            FROM forum_posts p JOIN forum_topics t ON t.id = p.topic_id
            JOIN forum_categories c ON c.id = t.category_id LEFT JOIN forum_categories pc ON pc.id = c.parent_id
            LEFT JOIN accounts a ON a.id = t.author_id LEFT JOIN forum_reads r ON r.topic_id = t.id AND r.account_id = \(viewer)
            WHERE p.id = \(id) \(fragment: locking)
            """
        let rows = if let connection { try await connection.query(query) } else { try await self.pool.query(query) }
        guard let row = rows.first else { return nil }
        let (postID, seq, author, state, version, isFirst, source, language, title, writtenBy, writtenAt) =
            try row.decode((UUID, Int, UUID?, String, Int32, Bool, String, String, String, UUID?, Date).self)
        let topicRow = try Self.topic(from: row, at: 11, viewer: viewer)
        return StoredPost(
            id: postID, seq: seq, authorId: author, state: PostState(rawValue: state) ?? .hidden, version: Int(version), isFirst: isFirst,
            source: source, language: language, title: title, writtenBy: writtenBy, writtenAt: writtenAt,
            topic: StoredTopic(
                topic: topicRow.topic, authorId: topicRow.author, lastPostSeq: topicRow.lastPostSeq, lastReadSeq: topicRow.lastReadSeq,
                category: try Self.storedCategory(from: row, at: 11 + Self.topicColumnCount)
            )
        )
    }

    /// A post the viewer may read, or not found.
    func readablePost(_ id: UUID, by actor: Actor, on connection: PostgresConnection? = nil) async throws -> StoredPost {
        guard let stored = try await self.storedPost(id, viewer: actor.accountID, on: connection) else { throw AccountError.notFound }
        try Access.require(actor, .readPost(stored.rules, author: stored.authorId, state: stored.state))
        try Access.require(actor, .readPost(stored.rules, author: stored.topic.authorId, state: stored.topic.postState))
        return stored
    }

    /// One post as the viewer sees it (with its source when they may edit it).
    public func post(_ id: UUID, for actor: Actor) async throws -> ForumPost {
        let stored = try await self.readablePost(id, by: actor)
        let rows = try await self.pool.query(
            """
            SELECT \(fragment: Self.postColumns)
            FROM forum_posts p CROSS JOIN (SELECT \(actor.accountID)::uuid AS id) viewer LEFT JOIN accounts a ON a.id = p.author_id
            WHERE p.id = \(id)
            """
        )
        guard let row = rows.first else { throw AccountError.notFound }
        return self.view(try Self.loadedPost(from: row, viewer: actor.accountID), rules: stored.rules, topicLocked: stored.topic.topic.locked, for: actor)
    }

    /// Replaces a post's text (and, on a first post, the topic's title), keeping the old version.
    /// `expectedVersion` is the version the editor started from: if someone saved in between, the
    /// edit is refused with `editConflict` rather than overwriting their change.
    public func edit(_ id: UUID, source: String, title: String?, expectedVersion: Int, by actor: Actor) async throws -> ForumPost {
        let source = try self.validBody(source)
        let title = try title.map(Self.validTitle)
        try await self.pool.withTransaction { connection in
            guard let stored = try await self.storedPost(id, viewer: actor.accountID, lock: true, on: connection) else {
                throw AccountError.notFound
            }
            try Access.require(actor, .changePost(stored.rules, author: stored.authorId, state: stored.state, topicLocked: stored.topic.topic.locked))
            guard stored.version == expectedVersion else { throw ForumError.editConflict(expected: expectedVersion, current: stored.version) }
            if title != nil, !stored.isFirst { throw AccountError.invalidInput("Only a topic's first post carries its title.") }
            let moderator = Access.decide(actor, .moderateCategory(stored.rules)) == .allow
            // An edit by someone who would be pre-moderated goes back to the queue.
            var state = stored.state
            if !moderator, state == .published, try await self.admitPost(by: actor, in: stored.rules, on: connection) == .pending {
                state = .pending
            }
            try await self.replaceSource(of: stored, with: source, title: title, state: state, by: actor, on: connection)
            if moderator, stored.authorId != actor.accountID {
                try await self.audit.record(
                    AuditEvent(actor: actor.accountID, action: "forum.post-edit", target: "post:\(id)", details: ["version": String(stored.version + 1)]),
                    on: connection
                )
            }
        }
        return try await self.post(id, for: actor)
    }

    /// Saves `source` as the next version of the post, the current one into its revisions.
    func replaceSource(
        of stored: StoredPost, with source: String, title: String?, state: PostState, by actor: Actor, on connection: PostgresConnection
    ) async throws {
        // An edit names its writer: in a pseudonymous category, by their pseudonym in the topic.
        try await self.assignPseudonym(to: actor.accountID, in: stored.topic.topic.id, category: stored.topic.category, on: connection)
        try await connection.execute(
            """
            INSERT INTO forum_post_revisions (post_id, version, source, written_by, written_at)
            VALUES (\(stored.id), \(stored.version), \(stored.source), \(stored.writtenBy), \(stored.writtenAt))
            """
        )
        let newTitle = title ?? stored.title
        try await connection.execute(
            """
            UPDATE forum_posts SET source = \(source), html = \(Markdown.render(source)), title = \(newTitle), state = \(state.rawValue),
                version = version + 1, edited_by = \(actor.accountID), edited_at = now(),
                search_vector = forum_search_vector(language, \(newTitle), \(source))
            WHERE id = \(stored.id)
            """
        )
        if let title {
            try await connection.execute("UPDATE forum_topics SET title = \(title) WHERE id = \(stored.topic.topic.id)")
        }
    }

    /// Deletes a post softly (kept for moderators). A topic's first post takes the topic with it;
    /// its author may do that only while nobody has replied.
    public func delete(_ id: UUID, by actor: Actor) async throws {
        try await self.pool.withTransaction { connection in
            guard let stored = try await self.storedPost(id, viewer: actor.accountID, lock: true, on: connection) else {
                throw AccountError.notFound
            }
            try Access.require(actor, .changePost(stored.rules, author: stored.authorId, state: stored.state, topicLocked: stored.topic.topic.locked))
            let moderator = Access.decide(actor, .moderateCategory(stored.rules)) == .allow
            let topicID = stored.topic.topic.id
            if stored.isFirst {
                if !moderator, stored.topic.topic.replyCount > 0 {
                    throw AccountError.invalidInput("Others have replied: ask a moderator to remove the topic.")
                }
                try await connection.execute("UPDATE forum_topics SET state = 'deleted' WHERE id = \(topicID)")
            } else if stored.state == .published {
                try await connection.execute("UPDATE forum_topics SET reply_count = greatest(reply_count - 1, 0) WHERE id = \(topicID)")
            }
            try await connection.execute(
                "UPDATE forum_posts SET state = 'deleted', moderated_by = \(actor.accountID), moderated_at = now() WHERE id = \(id)"
            )
            if moderator, stored.authorId != actor.accountID {
                try await self.audit.record(AuditEvent(actor: actor.accountID, action: "forum.post-delete", target: "post:\(id)"), on: connection)
            }
        }
    }

    /// Every version of a post with who wrote it, when, and what changed (moderators).
    public func revisions(of id: UUID, by actor: Actor) async throws -> [PostRevision] {
        guard let stored = try await self.storedPost(id, viewer: actor.accountID) else { throw AccountError.notFound }
        try Access.require(actor, .moderateCategory(stored.rules))
        // In a pseudonymous category each writer is named by their pseudonym in the topic, never by account.
        let pseudonymous = stored.topic.category.pseudonymous
        let topicID = stored.topic.topic.id
        let rows = try await self.pool.query(
            """
            SELECT r.version, r.source, r.written_by, CASE WHEN \(pseudonymous) THEN ps.pseudonym ELSE a.display_name END, r.written_at
            FROM forum_post_revisions r LEFT JOIN accounts a ON a.id = r.written_by
            LEFT JOIN forum_pseudonyms ps ON ps.topic_id = \(topicID) AND ps.account_id = r.written_by
            WHERE r.post_id = \(id) ORDER BY r.version
            """
        )
        var versions = try rows.map { row in
            let (version, source, by, name, at) = try row.decode((Int32, String, UUID?, String?, Date).self)
            return PostRevision(version: Int(version), source: source, writtenBy: pseudonymous ? nil : by, writtenByName: name, writtenAt: at, diff: [])
        }
        let current = try await self.pool.query(
            """
            SELECT CASE WHEN \(pseudonymous) THEN ps.pseudonym ELSE a.display_name END
            FROM accounts a LEFT JOIN forum_pseudonyms ps ON ps.topic_id = \(topicID) AND ps.account_id = a.id
            WHERE a.id = \(stored.writtenBy)
            """
        ).first?.decode(column: 0, as: String?.self)
        versions.append(PostRevision(
            version: stored.version, source: stored.source, writtenBy: pseudonymous ? nil : stored.writtenBy, writtenByName: current ?? nil,
            writtenAt: stored.writtenAt, diff: []
        ))
        for index in versions.indices {
            let previous = index > 0 ? versions[index - 1].source : ""
            versions[index].diff = LineDiff.lines(from: previous, to: versions[index].source)
        }
        return versions
    }

    /// Adds or removes one of the viewer's reactions to a published post.
    public func setReaction(_ kind: String, on id: UUID, _ present: Bool, by actor: Actor) async throws {
        guard ForumReaction(rawValue: kind) != nil else {
            throw AccountError.invalidInput("Reactions are \(ForumReaction.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let stored = try await self.readablePost(id, by: actor)
        guard stored.state == .published else { throw AccountError.invalidInput("Only published posts take reactions.") }
        if present {
            try await self.pool.execute(
                "INSERT INTO forum_reactions (post_id, account_id, kind) VALUES (\(id), \(actor.accountID), \(kind)) ON CONFLICT DO NOTHING"
            )
        } else {
            try await self.pool.execute("DELETE FROM forum_reactions WHERE post_id = \(id) AND account_id = \(actor.accountID) AND kind = \(kind)")
        }
    }

    /// Bookmarks a post the viewer can read, or removes the bookmark.
    public func setBookmark(on id: UUID, _ present: Bool, by actor: Actor) async throws {
        _ = try await self.readablePost(id, by: actor)
        if present {
            try await self.pool.execute(
                "INSERT INTO forum_bookmarks (account_id, post_id) VALUES (\(actor.accountID), \(id)) ON CONFLICT DO NOTHING"
            )
        } else {
            try await self.pool.execute("DELETE FROM forum_bookmarks WHERE account_id = \(actor.accountID) AND post_id = \(id)")
        }
    }

    /// The viewer's bookmarks that they can still read, newest first.
    public func bookmarks(after cursor: String?, for actor: Actor) async throws -> Page<PostReference> {
        let visible = try await self.visibleCategoryIDs(for: actor)
        let after = try Self.sequenceCursor(cursor)
        let limit = self.configuration.pageSize
        let rows = try await self.pool.query(
            """
            SELECT b.seq, p.id, p.topic_id, t.title, p.state, p.moderation_reason, p.created_at
            FROM forum_bookmarks b JOIN forum_posts p ON p.id = b.post_id JOIN forum_topics t ON t.id = p.topic_id
            WHERE b.account_id = \(actor.accountID) AND p.category_id = ANY(\(visible))
              AND (p.state = 'published' OR (p.author_id = \(actor.accountID) AND p.state <> 'deleted'))
              AND (\(after)::bigint IS NULL OR b.seq < \(after))
            ORDER BY b.seq DESC LIMIT \(limit + 1)
            """
        )
        return try Self.referencePage(rows, limit: limit)
    }

    /// The viewer's own posts that are not (or no longer) published: waiting, rejected with a
    /// reason, or hidden.
    public func submissions(after cursor: String?, for actor: Actor) async throws -> Page<PostReference> {
        try Access.require(actor, .searchForums)
        let after = try Self.sequenceCursor(cursor)
        let limit = self.configuration.pageSize
        let rows = try await self.pool.query(
            """
            SELECT p.seq, p.id, p.topic_id, t.title, p.state, p.moderation_reason, p.created_at
            FROM forum_posts p JOIN forum_topics t ON t.id = p.topic_id
            WHERE p.author_id = \(actor.accountID) AND p.state IN ('pending', 'rejected', 'hidden')
              AND (\(after)::bigint IS NULL OR p.seq < \(after))
            ORDER BY p.seq DESC LIMIT \(limit + 1)
            """
        )
        return try Self.referencePage(rows, limit: limit)
    }

    /// Decodes `seq, id, topic_id, title, state, moderation_reason, created_at` rows into a page.
    static func referencePage(_ rows: PostgresRows, limit: Int) throws -> Page<PostReference> {
        let decoded = try rows.map { row in
            let (seq, id, topic, title, state, reason, created) = try row.decode((Int, UUID, UUID, String, String, String, Date).self)
            return (seq, PostReference(
                postId: id, topicId: topic, topicTitle: title, state: PostState(rawValue: state) ?? .hidden,
                moderationReason: reason.isEmpty ? nil : reason, createdAt: created
            ))
        }
        let page = decoded.prefix(limit)
        return Page(items: page.map(\.1), next: decoded.count > limit ? page.last.map { String($0.0) } : nil)
    }

    /// Reports a post to the moderators (once per member while the report is open).
    public func flag(_ id: UUID, reason: String, note: String, by actor: Actor) async throws {
        guard FlagReason(rawValue: reason) != nil else {
            throw AccountError.invalidInput("A reason is one of \(FlagReason.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard note.codePoints <= 1000 else { throw AccountError.invalidInput("A note has at most 1,000 characters.") }
        _ = try await self.readablePost(id, by: actor)
        try await self.pool.execute(
            """
            INSERT INTO forum_flags (post_id, flagged_by, reason, note) VALUES (\(id), \(actor.accountID), \(reason), \(note))
            ON CONFLICT (post_id, flagged_by) WHERE resolved_at IS NULL DO NOTHING
            """
        )
    }
}
