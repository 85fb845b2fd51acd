import Foundation
import PostgresClient

extension Forums {
    /// Pending posts and open reports in the categories `actor` moderates, oldest first.
    public func moderationQueue(afterPost: String?, afterFlag: String?, by actor: Actor) async throws -> ModerationQueue {
        try Access.require(actor, .readModerationQueue)
        let moderated = try await self.storedCategories().filter { Access.decide(actor, .moderateCategory($0.effective)) == .allow }.map(\.id)
        let (postCursor, flagCursor) = (try Self.sequenceCursor(afterPost), try Self.sequenceCursor(afterFlag))
        let limit = self.configuration.pageSize
        let counts = try await self.pool.query(
            """
            SELECT (SELECT count(*)::int FROM forum_posts WHERE state = 'pending' AND is_first AND category_id = ANY(\(moderated))),
                   (SELECT count(*)::int FROM forum_posts WHERE state = 'pending' AND NOT is_first AND category_id = ANY(\(moderated))),
                   (SELECT count(*)::int FROM forum_flags f JOIN forum_posts p ON p.id = f.post_id
                    WHERE f.resolved_at IS NULL AND p.category_id = ANY(\(moderated)))
            """
        ).first?.decode((Int32, Int32, Int32).self) ?? (Int32(0), Int32(0), Int32(0))
        let postRows = try await self.pool.query(
            """
            SELECT p.seq, p.id, p.topic_id, t.title, p.category_id,
                   CASE WHEN c.pseudonymous THEN NULL ELSE p.author_id END, CASE WHEN c.pseudonymous THEN ps.pseudonym ELSE a.display_name END,
                   p.is_first, p.source, p.html, p.version, p.created_at, t.language
            FROM forum_posts p JOIN forum_topics t ON t.id = p.topic_id JOIN forum_categories c ON c.id = p.category_id
            LEFT JOIN accounts a ON a.id = p.author_id
            LEFT JOIN forum_pseudonyms ps ON ps.topic_id = p.topic_id AND ps.account_id = p.author_id
            WHERE p.state = 'pending' AND p.category_id = ANY(\(moderated)) AND p.seq > \(postCursor ?? 0)
            ORDER BY p.seq LIMIT \(limit + 1)
            """
        )
        let posts = try postRows.map { row in
            let (seq, id, topic, title, category, author, name, first, source, html, version, created, language) =
                try row.decode((Int, UUID, UUID, String, UUID, UUID?, String?, Bool, String, String, Int32, Date, String).self)
            return (seq, ModerationQueue.PendingPost(
                postId: id, topicId: topic, topicTitle: title, topicLanguage: language, categoryId: category, authorId: author, authorName: name, newTopic: first,
                source: source, html: html, version: Int(version), createdAt: created
            ))
        }
        let flagRows = try await self.pool.query(
            """
            SELECT f.seq, f.id, f.post_id, p.topic_id, t.title, f.reason, f.note, p.html, p.state, f.created_at, t.language
            FROM forum_flags f JOIN forum_posts p ON p.id = f.post_id JOIN forum_topics t ON t.id = p.topic_id
            WHERE f.resolved_at IS NULL AND p.category_id = ANY(\(moderated)) AND f.seq > \(flagCursor ?? 0)
            ORDER BY f.seq LIMIT \(limit + 1)
            """
        )
        let flags = try flagRows.map { row in
            let (seq, id, post, topic, title, reason, note, html, state, created, language) =
                try row.decode((Int, UUID, UUID, UUID, String, String, String, String, String, Date, String).self)
            return (seq, ModerationQueue.OpenFlag(
                flagId: id, postId: post, topicId: topic, topicTitle: title, topicLanguage: language, reason: reason, note: note, postHtml: html,
                postState: PostState(rawValue: state) ?? .hidden, flaggedAt: created
            ))
        }
        let (postPage, flagPage) = (posts.prefix(limit), flags.prefix(limit))
        return ModerationQueue(
            counts: .init(pendingTopics: Int(counts.0), pendingReplies: Int(counts.1), openFlags: Int(counts.2)),
            posts: postPage.map(\.1), flags: flagPage.map(\.1),
            nextPosts: posts.count > limit ? postPage.last.map { String($0.0) } : nil,
            nextFlags: flags.count > limit ? flagPage.last.map { String($0.0) } : nil
        )
    }

    /// Approves (perhaps after editing) or rejects a waiting post; a first post decides its topic.
    public func decide(_ id: UUID, _ decision: ModerationDecision, by actor: Actor) async throws {
        try await self.pool.withTransaction { connection in
            let stored = try await self.moderatedPost(id, by: actor, on: connection)
            guard stored.state == .pending else { throw ForumError.alreadyModerated }
            let topicID = stored.topic.topic.id
            switch decision {
            case .approve(let edited, let expectedVersion):
                if let edited {
                    let source = try self.validBody(edited)
                    if let expectedVersion, expectedVersion != stored.version {
                        throw ForumError.editConflict(expected: expectedVersion, current: stored.version)
                    }
                    try await self.replaceSource(of: stored, with: source, title: nil, state: .pending, by: actor, on: connection)
                }
                // Published now, so it takes its place after what was published meanwhile.
                try await connection.execute(
                    """
                    UPDATE forum_posts SET state = 'published', seq = DEFAULT, moderation_reason = '', moderated_by = \(actor.accountID),
                        moderated_at = now()
                    WHERE id = \(id)
                    """
                )
                if stored.isFirst {
                    try await connection.execute("UPDATE forum_topics SET state = 'published' WHERE id = \(topicID) AND state = 'pending'")
                }
                let topic = stored.topic.topic
                try await self.notifications.record(
                    Notice(.postApproved, to: stored.authorId.map { [$0] } ?? [], about: .init(.post, id), excerpt: topic.title), on: connection
                )
                if !stored.isFirst, let topicAuthor = stored.topic.authorId, topicAuthor != stored.authorId {
                    try await self.notifications.record(Notice(.reply, to: [topicAuthor], about: .init(.topic, topicID), excerpt: topic.title), on: connection)
                }
                try await self.notifyMentions(
                    in: edited ?? stored.source, post: id, rules: stored.rules, author: stored.authorId, on: connection
                )
                try await self.audit.record(
                    AuditEvent(actor: actor.accountID, action: "forum.post-approve", target: "post:\(id)",
                               details: ["topic": topicID.uuidString, "edited": edited == nil ? "no" : "yes"]),
                    on: connection
                )
            case .reject(let reason):
                let reason = try Self.validReason(reason)
                try await connection.execute(
                    """
                    UPDATE forum_posts SET state = 'rejected', moderation_reason = \(reason), moderated_by = \(actor.accountID), moderated_at = now()
                    WHERE id = \(id)
                    """
                )
                if stored.isFirst {
                    try await connection.execute("UPDATE forum_topics SET state = 'rejected' WHERE id = \(topicID) AND state = 'pending'")
                }
                try await self.notifications.record(
                    Notice(.postRejected, to: stored.authorId.map { [$0] } ?? [], about: .init(.post, id), details: ["reason": reason]),
                    on: connection
                )
                try await self.audit.record(
                    AuditEvent(actor: actor.accountID, action: "forum.post-reject", target: "post:\(id)",
                               details: ["topic": topicID.uuidString]),
                    on: connection
                )
            }
            try await Self.refreshTopic(topicID, on: connection)
        }
    }

    /// Hides a post from everyone but its author and moderators, with a reason for the author.
    public func hide(_ id: UUID, reason: String, by actor: Actor) async throws {
        let reason = try Self.validReason(reason)
        try await self.pool.withTransaction { connection in
            try await self.hide(try await self.moderatedPost(id, by: actor, on: connection), reason: reason, by: actor, on: connection)
        }
    }

    func hide(_ stored: StoredPost, reason: String, by actor: Actor, on connection: PostgresConnection) async throws {
        guard stored.state != .deleted else { throw ForumError.alreadyModerated }
        try await connection.execute(
            """
            UPDATE forum_posts SET state = 'hidden', moderation_reason = \(reason), moderated_by = \(actor.accountID), moderated_at = now()
            WHERE id = \(stored.id)
            """
        )
        try await Self.refreshTopic(stored.topic.topic.id, on: connection)
        try await self.audit.record(
            // No reason: it is free text (it may name people) and audit rows can never be changed;
            // it stays on the post, where deletion and retention can reach it.
            AuditEvent(actor: actor.accountID, action: "forum.post-hide", target: "post:\(stored.id)"),
            on: connection
        )
    }

    /// Publishes a hidden or deleted post again (a first post brings its topic back).
    public func restore(_ id: UUID, by actor: Actor) async throws {
        try await self.pool.withTransaction { connection in
            let stored = try await self.moderatedPost(id, by: actor, on: connection)
            guard [.hidden, .deleted].contains(stored.state) else { throw ForumError.alreadyModerated }
            try await connection.execute(
                """
                UPDATE forum_posts SET state = 'published', moderation_reason = '', moderated_by = \(actor.accountID), moderated_at = now()
                WHERE id = \(id)
                """
            )
            if stored.isFirst {
                try await connection.execute("UPDATE forum_topics SET state = 'published' WHERE id = \(stored.topic.topic.id) AND state = 'deleted'")
            }
            try await Self.refreshTopic(stored.topic.topic.id, on: connection)
            try await self.audit.record(AuditEvent(actor: actor.accountID, action: "forum.post-restore", target: "post:\(id)"), on: connection)
        }
    }

    /// Settles every open report on a flagged post: dismissed, or the post hidden.
    public func resolveFlag(_ flagID: UUID, _ resolution: FlagResolution, note: String, by actor: Actor) async throws {
        guard note.codePoints <= 1000 else { throw AccountError.invalidInput("A note has at most 1,000 characters.") }
        try await self.pool.withTransaction { connection in
            let row = try await connection.query(
                "SELECT post_id, resolved_at IS NOT NULL FROM forum_flags WHERE id = \(flagID) FOR UPDATE"
            ).first
            guard let (postID, resolved) = try row?.decode((UUID, Bool).self) else { throw AccountError.notFound }
            let stored = try await self.moderatedPost(postID, by: actor, on: connection)
            guard !resolved else { throw ForumError.alreadyModerated }
            if resolution == .postHidden {
                try await self.hide(stored, reason: try Self.validReason(note), by: actor, on: connection)
            }
            let reporters = try await connection.query(
                """
                UPDATE forum_flags SET resolution = \(resolution.rawValue), resolution_note = \(note), resolved_by = \(actor.accountID),
                    resolved_at = now()
                WHERE post_id = \(postID) AND resolved_at IS NULL
                RETURNING flagged_by
                """
            ).compactMap { try $0.decode(column: 0, as: UUID?.self) }
            // Reporters learn the outcome, not the note (which is for moderators).
            try await self.notifications.record(
                Notice(.flagResolved, to: reporters, about: .init(.post, postID), details: ["resolution": resolution.rawValue]), on: connection
            )
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "forum.flag-resolve", target: "post:\(postID)",
                           details: ["flag": flagID.uuidString, "resolution": resolution.rawValue]),
                on: connection
            )
        }
    }

    /// Locks, unlocks, pins, unpins or moves a topic. A topic moves only into a category the
    /// moderator also moderates; any other is reported as not existing.
    public func changeTopic(_ id: UUID, _ changes: TopicChanges, by actor: Actor) async throws -> ForumTopic {
        try await self.pool.withTransaction { connection in
            guard let stored = try await self.storedTopic(id, viewer: actor.accountID, lock: true, on: connection) else {
                throw AccountError.notFound
            }
            try Access.require(actor, .moderateCategory(stored.category.effective))
            var actions: [String] = []
            if let locked = changes.locked, locked != stored.topic.locked {
                try await connection.execute("UPDATE forum_topics SET locked = \(locked) WHERE id = \(id)")
                actions.append(locked ? "forum.topic-lock" : "forum.topic-unlock")
            }
            if let pinned = changes.pinned, pinned != stored.topic.pinned {
                try await connection.execute("UPDATE forum_topics SET pinned = \(pinned) WHERE id = \(id)")
                actions.append(pinned ? "forum.topic-pin" : "forum.topic-unpin")
            }
            if let destination = changes.categoryId, destination != stored.topic.categoryId {
                let category = try await self.storedCategories(on: connection).first { $0.id == destination }
                guard let category, Access.decide(actor, .moderateCategory(category.effective)) == .allow else {
                    throw AccountError.invalidInput("There is no such category.")
                }
                guard category.pseudonymous == stored.category.pseudonymous else {
                    throw AccountError.conflict(
                        "A topic does not move between a pseudonymous and an ordinary category: its posts were written under the other rule."
                    )
                }
                try await connection.execute("UPDATE forum_topics SET category_id = \(destination) WHERE id = \(id)")
                try await connection.execute("UPDATE forum_posts SET category_id = \(destination) WHERE topic_id = \(id)")
                actions.append("forum.topic-move")
            }
            for action in actions {
                try await self.audit.record(
                    AuditEvent(actor: actor.accountID, action: action, target: "topic:\(id)",
                               details: action == "forum.topic-move" ? ["category": changes.categoryId?.uuidString ?? ""] : [:]),
                    on: connection
                )
            }
            guard let changed = try await self.storedTopic(id, viewer: actor.accountID, on: connection) else { throw AccountError.notFound }
            return changed.topic
        }
    }

    /// Moves every post of a topic into another and leaves the first pointing at the second.
    public func merge(_ id: UUID, into target: UUID, by actor: Actor) async throws {
        guard id != target else { throw AccountError.invalidInput("A topic cannot be merged into itself.") }
        try await self.pool.withTransaction { connection in
            // Lock in a fixed order so two opposite merges cannot deadlock.
            var topics: [UUID: StoredTopic] = [:]
            for topicID in [id, target].sorted(by: { $0.uuidString < $1.uuidString }) {
                topics[topicID] = try await self.storedTopic(topicID, viewer: actor.accountID, lock: true, on: connection)
            }
            guard let source = topics[id] else { throw AccountError.notFound }
            try Access.require(actor, .moderateCategory(source.category.effective))
            guard let destination = topics[target], Access.decide(actor, .moderateCategory(destination.category.effective)) == .allow,
                destination.topic.state == "published"
            else { throw AccountError.invalidInput("There is no such topic to merge into.") }
            guard ["published", "pending"].contains(source.topic.state) else { throw ForumError.alreadyModerated }
            // Merged posts would take their authors' pseudonyms in the other topic, linking the two.
            guard !source.category.pseudonymous, !destination.category.pseudonymous else {
                throw AccountError.conflict("Topics of a pseudonymous category are not merged: it would link their authors' pseudonyms.")
            }
            try await connection.execute(
                """
                UPDATE forum_posts SET topic_id = \(target), category_id = \(destination.topic.categoryId), is_first = false, title = '',
                    search_vector = forum_search_vector(language, '', source)
                WHERE topic_id = \(id)
                """
            )
            try await connection.execute("UPDATE forum_topics SET state = 'merged', merged_into = \(target) WHERE id = \(id)")
            try await connection.execute("DELETE FROM forum_reads WHERE topic_id = \(id)")
            try await Self.refreshTopic(target, on: connection)
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "forum.topic-merge", target: "topic:\(id)", details: ["into": target.uuidString]),
                on: connection
            )
        }
    }

    // MARK: Helpers

    /// The post, locked, once `actor` is known to moderate its category.
    func moderatedPost(_ id: UUID, by actor: Actor, on connection: PostgresConnection) async throws -> StoredPost {
        guard let stored = try await self.storedPost(id, viewer: actor.accountID, lock: true, on: connection) else { throw AccountError.notFound }
        try Access.require(actor, .moderateCategory(stored.rules))
        return stored
    }

    /// Recounts a topic's replies and latest published post after moderation changed them.
    static func refreshTopic(_ id: UUID, on connection: PostgresConnection) async throws {
        try await connection.execute(
            """
            UPDATE forum_topics t SET reply_count = s.replies, last_post_seq = coalesce(s.last_seq, t.last_post_seq),
                last_posted_at = coalesce(s.last_at, t.last_posted_at)
            FROM (SELECT count(*) FILTER (WHERE NOT is_first) AS replies, max(seq) AS last_seq, max(created_at) AS last_at
                  FROM forum_posts WHERE topic_id = \(id) AND state = 'published') s
            WHERE t.id = \(id)
            """
        )
    }

    static func validReason(_ reason: String) throws(AccountError) -> String {
        guard let reason = reason.trimmed(fitting: 1...1000) else { throw .invalidInput("Give a reason of 1 to 1,000 characters; the author will see it.") }
        return reason
    }
}
