import Foundation
import PostgresClient

extension Forums {
    /// A topic's row with its category, as the checks on it need them.
    struct StoredTopic: Sendable {
        /// The topic as the viewer may see it (in a pseudonymous category, without its author).
        var topic: ForumTopic
        /// Who started it, for the access checks (never shown in a pseudonymous category).
        var authorId: UUID?
        var lastPostSeq: Int
        var lastReadSeq: Int?
        var category: StoredCategory

        /// The topic's state as the access policy reads it (a merged topic reads as its first post did).
        var postState: PostState {
            PostState(rawValue: self.topic.state) ?? (self.topic.state == "merged" ? .published : .deleted)
        }
    }

    /// The columns `topic(from:at:viewer:)` decodes, from `t` (topic), `a` (author), `r` (viewer's
    /// reads), then whether the category is pseudonymous and the author's pseudonym in the topic.
    static let topicColumns: StaticString = """
        t.id, t.category_id, t.title, t.language, t.author_id, a.display_name, t.state, t.locked, t.pinned, t.created_at,
        t.last_posted_at, t.reply_count, t.merged_into, t.last_post_seq, r.last_read_seq,
        (SELECT tc.pseudonymous FROM forum_categories tc WHERE tc.id = t.category_id),
        (SELECT tp.pseudonym FROM forum_pseudonyms tp WHERE tp.topic_id = t.id AND tp.account_id = t.author_id)
        """
    /// How many columns `topicColumns` has.
    static let topicColumnCount = 17

    /// A topic as `viewer` sees it (in a pseudonymous category: the author's pseudonym, never
    /// their id or name), with its real author apart for the access checks.
    static func topic(
        from row: PostgresRow, at start: Int = 0, viewer: UUID
    ) throws -> (topic: ForumTopic, lastPostSeq: Int, lastReadSeq: Int?, author: UUID?) {
        let (id, category, title, language, author, name, state, locked, pinned, created, lastPosted, replies, merged, lastSeq, readSeq) =
            try row.decode((UUID, UUID, String, String, UUID?, String?, String, Bool, Bool, Date, Date, Int32, UUID?, Int, Int?).self, startingAt: start)
        let (pseudonymous, pseudonym) = try row.decode((Bool?, String?).self, startingAt: start + 15)
        var topic = ForumTopic(
            id: id, categoryId: category, title: title, language: language, authorId: author, authorName: name, state: state,
            mergedInto: merged, locked: locked, pinned: pinned, createdAt: created, lastPostedAt: lastPosted, replyCount: Int(replies),
            unread: lastSeq > (readSeq ?? 0)
        )
        if pseudonymous != false {
            topic.authorId = nil
            topic.authorName = pseudonym
            topic.pseudonymous = true
            topic.mine = author != nil && author == viewer
        }
        return (topic, lastSeq, readSeq, author)
    }

    /// The topic, its category and the viewer's read position; nil when there is no such topic.
    func storedTopic(_ id: UUID, viewer: UUID, lock: Bool = false, on connection: PostgresConnection? = nil) async throws -> StoredTopic? {
        let locking: StaticString = lock ? "FOR UPDATE OF t" : ""
        let query: PostgresQuery = """
            SELECT \(fragment: Self.topicColumns), \(fragment: Self.categoryColumns)
            FROM forum_topics t JOIN forum_categories c ON c.id = t.category_id LEFT JOIN forum_categories pc ON pc.id = c.parent_id
            LEFT JOIN accounts a ON a.id = t.author_id LEFT JOIN forum_reads r ON r.topic_id = t.id AND r.account_id = \(viewer)
            WHERE t.id = \(id) \(fragment: locking)
            """
        let rows = if let connection { try await connection.query(query) } else { try await self.pool.query(query) }
        guard let row = rows.first else { return nil }
        let (topic, lastSeq, readSeq, author) = try Self.topic(from: row, viewer: viewer)
        return StoredTopic(
            topic: topic, authorId: author, lastPostSeq: lastSeq, lastReadSeq: readSeq,
            category: try Self.storedCategory(from: row, at: Self.topicColumnCount)
        )
    }

    /// A category's published topics, pinned first, then the most recently active.
    public func topics(in categoryID: UUID, after cursor: String?, for actor: Actor) async throws -> Page<ForumTopic> {
        let category = try await self.storedCategories().first { $0.id == categoryID }
        try Access.require(actor, .readCategory(category?.effective ?? Self.nobody))
        let limit = self.configuration.pageSize
        let (pinned, seq) = try Self.topicCursor(cursor)
        let rows = try await self.pool.query(
            """
            SELECT \(fragment: Self.topicColumns)
            FROM forum_topics t LEFT JOIN accounts a ON a.id = t.author_id
            LEFT JOIN forum_reads r ON r.topic_id = t.id AND r.account_id = \(actor.accountID)
            WHERE t.category_id = \(categoryID) AND t.state = 'published'
              AND (\(seq)::bigint IS NULL OR (t.pinned, t.last_post_seq) < (\(pinned), \(seq)))
            ORDER BY t.pinned DESC, t.last_post_seq DESC LIMIT \(limit + 1)
            """
        )
        let topics = try rows.map { try Self.topic(from: $0, viewer: actor.accountID) }
        let page = topics.prefix(limit)
        let next = topics.count > limit ? page.last.map { "\($0.topic.pinned ? 1 : 0).\($0.lastPostSeq)" } : nil
        return Page(items: page.map(\.topic), next: next)
    }

    /// Topics in categories the viewer sees with posts they have not read, newest activity first.
    public func unreadTopics(after cursor: String?, for actor: Actor) async throws -> Page<ForumTopic> {
        try Access.require(actor, .searchForums)
        let visible = try await self.visibleCategoryIDs(for: actor)
        let after = try Self.sequenceCursor(cursor)
        let limit = self.configuration.pageSize
        let rows = try await self.pool.query(
            """
            SELECT \(fragment: Self.topicColumns)
            FROM forum_topics t LEFT JOIN accounts a ON a.id = t.author_id
            LEFT JOIN forum_reads r ON r.topic_id = t.id AND r.account_id = \(actor.accountID)
            WHERE t.state = 'published' AND t.category_id = ANY(\(visible)) AND t.last_post_seq > coalesce(r.last_read_seq, 0)
              AND (\(after)::bigint IS NULL OR t.last_post_seq < \(after))
            ORDER BY t.last_post_seq DESC LIMIT \(limit + 1)
            """
        )
        let topics = try rows.map { try Self.topic(from: $0, viewer: actor.accountID) }
        let page = topics.prefix(limit)
        return Page(items: page.map(\.topic), next: topics.count > limit ? page.last.map { String($0.lastPostSeq) } : nil)
    }

    /// Starts a topic; it waits for a moderator when its author is not yet trusted or the category
    /// is pre-moderated. Returns the topic's first page as its author sees it.
    public func createTopic(
        in categoryID: UUID, title: String, body: String, language: String, by actor: Actor
    ) async throws -> TopicPage {
        let title = try Self.validTitle(title)
        let body = try self.validBody(body)
        guard Language.isTag(language) else { throw AccountError.invalidInput("The language is a tag such as \"en\", \"ar\" or \"zh\".") }
        let topicID = try await self.pool.withTransaction { connection in
            guard let category = try await self.storedCategories(on: connection).first(where: { $0.id == categoryID }) else {
                throw AccountError.notFound
            }
            try Access.require(actor, .postInCategory(category.effective))
            // Held until commit, so the category cannot turn pseudonymous (or stop) under this topic.
            let pseudonymous = try await connection.query(
                "SELECT pseudonymous FROM forum_categories WHERE id = \(categoryID) FOR SHARE"
            ).first?.decode(column: 0, as: Bool.self)
            guard pseudonymous == category.pseudonymous else { throw AccountError.conflict("The category changed meanwhile; try again.") }
            let state = try await self.admitPost(by: actor, in: category.effective, on: connection)
            let topicID = try await connection.query(
                """
                INSERT INTO forum_topics (category_id, author_id, title, language, state)
                VALUES (\(categoryID), \(actor.accountID), \(title), \(language), \(state == .published ? "published" : "pending"))
                RETURNING id
                """
            ).first?.decode(column: 0, as: UUID.self)
            guard let topicID else { throw AccountError.notFound }
            try await self.assignPseudonym(to: actor.accountID, in: topicID, category: category, on: connection)
            let (seq, firstPost) = try await self.insertPost(
                topic: topicID, category: categoryID, author: actor.accountID, replyTo: nil, title: title, language: language,
                source: body, state: state, on: connection
            )
            if state == .published {
                try await connection.execute("UPDATE forum_topics SET last_post_seq = \(seq), last_posted_at = now() WHERE id = \(topicID)")
                try await self.notifyMentions(in: body, post: firstPost, rules: category.effective, author: actor.accountID, on: connection)
            } else {
                try await self.notifications.recordForModerators(.init(.topic, topicID), except: actor.accountID, on: connection)
            }
            return topicID
        }
        return try await self.topicPage(topicID, after: nil, for: actor)
    }

    /// Replies in a topic, optionally to (and quoting) one of its posts.
    public func reply(to topicID: UUID, body: String, replyTo: UUID?, quote: Bool, by actor: Actor) async throws -> ForumPost {
        var body = try self.validBody(body)
        let postID = try await self.pool.withTransaction { connection in
            guard let stored = try await self.storedTopic(topicID, viewer: actor.accountID, lock: true, on: connection) else {
                throw AccountError.notFound
            }
            let rules = stored.category.effective
            try Access.require(actor, .readPost(rules, author: stored.authorId, state: stored.postState))
            guard stored.topic.state == "published" else {
                throw AccountError.conflict("Replies open once a moderator has approved the topic.")
            }
            try Access.require(actor, .postInCategory(rules))
            let moderator = Access.decide(actor, .moderateCategory(rules)) == .allow
            if stored.topic.locked, !moderator { throw ForumError.topicLocked }
            if let replyTo {
                // In a pseudonymous category the quotation names the quoted author's pseudonym.
                let quoted = try await connection.query(
                    """
                    SELECT p.source, CASE WHEN \(stored.category.pseudonymous) THEN ps.pseudonym ELSE a.display_name END
                    FROM forum_posts p LEFT JOIN accounts a ON a.id = p.author_id
                    LEFT JOIN forum_pseudonyms ps ON ps.topic_id = p.topic_id AND ps.account_id = p.author_id
                    WHERE p.id = \(replyTo) AND p.topic_id = \(topicID) AND (p.state = 'published' OR p.author_id = \(actor.accountID))
                    """
                ).first
                guard let quoted else { throw AccountError.invalidInput("The post replied to is not in this topic.") }
                if quote {
                    let (source, name) = try quoted.decode((String, String?).self)
                    body = Self.quotation(of: source, by: name) + "\n\n" + body
                    guard body.codePoints <= self.configuration.maximumPostLength else {
                        throw AccountError.invalidInput("With the quotation the post is too long; quote less.")
                    }
                }
            } else if quote {
                throw AccountError.invalidInput("Say which post to quote with reply_to.")
            }
            let state = try await self.admitPost(by: actor, in: rules, on: connection)
            try await self.assignPseudonym(to: actor.accountID, in: topicID, category: stored.category, on: connection)
            let (seq, postID) = try await self.insertPost(
                topic: topicID, category: stored.topic.categoryId, author: actor.accountID, replyTo: replyTo, title: "",
                language: stored.topic.language, source: body, state: state, on: connection
            )
            if state == .published {
                try await connection.execute(
                    """
                    UPDATE forum_topics SET last_post_seq = \(seq), last_posted_at = now(), reply_count = reply_count + 1
                    WHERE id = \(topicID)
                    """
                )
                if let author = stored.authorId, author != actor.accountID {
                    try await self.notifications.record(
                        Notice(.reply, to: [author], about: .init(.topic, topicID), excerpt: stored.topic.title), on: connection
                    )
                }
                try await self.notifyMentions(in: body, post: postID, rules: rules, author: actor.accountID, on: connection)
            } else {
                try await self.notifications.recordForModerators(.init(.post, postID), except: actor.accountID, on: connection)
            }
            return postID
        }
        return try await self.post(postID, for: actor)
    }

    /// A topic and one page of its posts (published ones; the viewer's own and, for moderators,
    /// all). Records how far the viewer has read.
    public func topicPage(_ id: UUID, after cursor: String?, for actor: Actor) async throws -> TopicPage {
        guard let stored = try await self.storedTopic(id, viewer: actor.accountID) else { throw AccountError.notFound }
        let rules = stored.category.effective
        try Access.require(actor, .readPost(rules, author: stored.authorId, state: stored.postState))
        let moderator = Access.decide(actor, .moderateCategory(rules)) == .allow
        let after = try Self.sequenceCursor(cursor) ?? 0
        let limit = self.configuration.pageSize
        let rows = try await self.pool.query(
            """
            SELECT \(fragment: Self.postColumns)
            FROM forum_posts p CROSS JOIN (SELECT \(actor.accountID)::uuid AS id) viewer LEFT JOIN accounts a ON a.id = p.author_id
            WHERE p.topic_id = \(id) AND p.seq > \(after)
              AND (p.state = 'published' OR \(moderator) OR (p.author_id = \(actor.accountID) AND p.state <> 'deleted'))
            ORDER BY p.seq LIMIT \(limit + 1)
            """
        )
        var posts = try rows.map { try Self.loadedPost(from: $0, viewer: actor.accountID) }
        let more = posts.count > limit
        posts = Array(posts.prefix(limit))
        let lastSeq = posts.last?.seq ?? 0
        if lastSeq > (stored.lastReadSeq ?? 0) {
            try await self.pool.execute(
                """
                INSERT INTO forum_reads (account_id, topic_id, last_read_seq) VALUES (\(actor.accountID), \(id), \(lastSeq))
                ON CONFLICT (account_id, topic_id) DO UPDATE SET last_read_seq = excluded.last_read_seq, read_at = now()
                WHERE forum_reads.last_read_seq < excluded.last_read_seq
                """
            )
        }
        return TopicPage(
            topic: stored.topic, posts: posts.map { self.view($0, rules: rules, topicLocked: stored.topic.locked, for: actor) },
            next: more ? String(lastSeq) : nil
        )
    }

    // MARK: Helpers

    /// Rules no one passes, for a category that does not exist (so it reads as hidden).
    static let nobody = CategoryRules(visibility: [.init(audience: .restricted)], posting: .staff)

    /// Whether a new post by `actor` goes straight out or waits, after the posting rate limit.
    func admitPost(by actor: Actor, in rules: CategoryRules, on connection: PostgresConnection) async throws -> PostState {
        if Access.decide(actor, .moderateCategory(rules)) == .allow { return .published }
        let recent = try await connection.query(
            """
            SELECT count(*)::int, ceil(extract(epoch FROM min(created_at) + interval '1 minute' - now()))::int
            FROM forum_posts WHERE author_id = \(actor.accountID) AND created_at > now() - interval '1 minute'
            """
        ).first?.decode((Int32, Int32?).self)
        if let (count, wait) = recent, Int(count) >= self.configuration.postsPerMinute {
            throw ForumError.rateLimited(retryAfter: max(1, Int(wait ?? 60)))
        }
        if rules.premoderated { return .pending }
        return try await self.isTrusted(actor.accountID, on: connection) ? .published : .pending
    }

    /// Whether enough of the account's posts have been approved to skip pre-moderation.
    func isTrusted(_ account: UUID?, on connection: PostgresConnection) async throws -> Bool {
        let threshold = self.configuration.trustedAfterApprovedPosts
        guard threshold > 0 else { return true }
        guard let account else { return false }
        let approved = try await connection.query(
            """
            SELECT count(*)::int FROM (SELECT 1 FROM forum_posts WHERE author_id = \(account) AND state = 'published' LIMIT \(threshold)) x
            """
        ).first?.decode(column: 0, as: Int32.self) ?? 0
        return Int(approved) >= threshold
    }

    /// Inserts a post with its rendering and search vector; returns its sequence number and id.
    func insertPost(
        topic: UUID, category: UUID, author: UUID, replyTo: UUID?, title: String, language: String, source: String, state: PostState,
        on connection: PostgresConnection
    ) async throws -> (seq: Int, id: UUID) {
        let row = try await connection.query(
            """
            INSERT INTO forum_posts (topic_id, category_id, author_id, reply_to, title, is_first, language, source, html, state, search_vector)
            VALUES (\(topic), \(category), \(author), \(replyTo), \(title), \(replyTo == nil && !title.isEmpty), \(language), \(source),
                    \(Markdown.render(source)), \(state.rawValue), forum_search_vector(\(language), \(title), \(source)))
            RETURNING seq, id
            """
        ).first
        guard let row else { throw AccountError.notFound }
        let (seq, id) = try row.decode((Int, UUID).self)
        return (seq, id)
    }

    /// A Markdown blockquote of `source`, attributed to `name`.
    static func quotation(of source: String, by name: String?) -> String {
        let escapedName = (name ?? "A former member").map { "\\`*_{}[]()#+-.!<>~|".contains($0) ? "\\\($0)" : String($0) }.joined()
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map { "> \($0)" }
        return (["> **\(escapedName)** wrote:", ">"] + lines).joined(separator: "\n")
    }

    static func validTitle(_ title: String) throws(AccountError) -> String {
        guard let title = title.trimmed(fitting: 1...200), !title.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidInput("A title has 1 to 200 characters on one line.")
        }
        return title
    }

    func validBody(_ body: String) throws(AccountError) -> String {
        guard let body = body.trimmed(fitting: 1...self.configuration.maximumPostLength) else {
            throw .invalidInput("A post has 1 to \(self.configuration.maximumPostLength) characters, not only blanks.")
        }
        return body.replacingOccurrences(of: "\r\n", with: "\n")
    }

    /// A cursor that is a sequence number (nil for the first page).
    static func sequenceCursor(_ cursor: String?) throws(AccountError) -> Int? {
        guard let cursor else { return nil }
        guard let value = Int(cursor), value >= 0 else { throw .invalidInput("The cursor is not valid.") }
        return value
    }

    /// A topic-listing cursor: `<pinned 0|1>.<sequence>`.
    static func topicCursor(_ cursor: String?) throws(AccountError) -> (pinned: Bool, seq: Int?) {
        guard let cursor else { return (false, nil) }
        let parts = cursor.split(separator: ".")
        guard parts.count == 2, let pinned = Int(parts[0]), [0, 1].contains(pinned), let seq = Int(parts[1]), seq >= 0 else {
            throw .invalidInput("The cursor is not valid.")
        }
        return (pinned == 1, seq)
    }
}
