import Foundation
import PostgresClient

// Pseudonymous categories (Schema/0017). Choices, written down:
// - A category is made pseudonymous when it is created or while it holds no topics (of any state),
//   and stops being so only while it holds none: every post in it was written under a pseudonym,
//   and none written under a real name is relabelled (nor the reverse). Subcategories do not inherit it.
// - A pseudonym belongs to one account in one topic: "Member 4F2A", four random hexadecimal digits
//   (six once a topic is crowded), drawn from the system's random source, stored in
//   forum_pseudonyms, unique within the topic, and never one the same account has in another topic. Anyone who writes into the topic gets one: its
//   author, repliers, and a moderator who edits a post (an edit names its writer).
// - Every reader, moderators and administrators included, sees the pseudonym and never the
//   account id or name; the author also reads `mine: true`. Only `revealAuthor` unmasks one post,
//   for an administrator, with a reason.
// - A topic does not move between a pseudonymous and an ordinary category, and topics of a
//   pseudonymous category are not merged (the merged posts would change pseudonym and so link
//   the author's two pseudonyms).
// - A search by author leaves out pseudonymous posts, except the searcher's own.
// - Documents in a pseudonymous category's space name their uploaders by a pseudonym per document
//   (`uploader_pseudonym`, `uploaded_by_pseudonym`; `uploader_id` and `uploaded_by` left out), drawn
//   the same way; the uploader reads `mine: true`. The category's setting also waits for its space
//   to hold no documents.
// - The audit log (administrators only: moderators cannot read it) keeps ids: a member's own
//   actions there (a document upload, say) name them, which is acceptable because administrators
//   may reveal authors anyway. A reveal is audited with the post, the topic and the reason's
//   length, not the reason itself (the audit never holds text); the reason goes to the author in
//   the `author-revealed` notification, which cannot be turned off.

extension Forums {
    /// Where a pseudonym holds: a topic, or a document in a pseudonymous category's space.
    enum PseudonymScope: Sendable {
        case topic(UUID)
        case document(UUID)
    }

    /// The pseudonym of `account` in `topic`, drawn and stored on first use.
    func pseudonym(for account: UUID, in topic: UUID, on connection: PostgresConnection) async throws -> String {
        try await Self.pseudonym(for: account, in: .topic(topic), on: connection)
    }

    /// The pseudonym of `account` in `scope`, drawn and stored on first use: never one the
    /// account has anywhere else, so two topics (or documents) cannot be linked by it.
    static func pseudonym(for account: UUID, in scope: PseudonymScope, on connection: PostgresConnection) async throws -> String {
        for attempt in 0..<64 {
            let existing = switch scope {
            case .topic(let topic):
                try await connection.query("SELECT pseudonym FROM forum_pseudonyms WHERE topic_id = \(topic) AND account_id = \(account)")
                    .first?.decode(column: 0, as: String.self)
            case .document(let document):
                try await connection.query("SELECT pseudonym FROM document_pseudonyms WHERE document_id = \(document) AND account_id = \(account)")
                    .first?.decode(column: 0, as: String.self)
            }
            if let existing { return existing }
            let candidate = Self.randomPseudonym(digits: attempt < 16 ? 4 : 6)
            // Nothing inserted: this account got one meanwhile (read it next), or the name is taken
            // here, or is this account's elsewhere (draw again).
            // forum_pseudonyms_account, document_pseudonyms_account
            let inserted = switch scope {
            case .topic(let topic):
                try await connection.query(
                    """
                    INSERT INTO forum_pseudonyms (topic_id, account_id, pseudonym) SELECT \(topic), \(account), \(candidate)
                    WHERE NOT EXISTS (SELECT 1 FROM forum_pseudonyms WHERE account_id = \(account) AND pseudonym = \(candidate))
                      AND NOT EXISTS (SELECT 1 FROM document_pseudonyms WHERE account_id = \(account) AND pseudonym = \(candidate))
                    ON CONFLICT DO NOTHING RETURNING pseudonym
                    """
                ).first?.decode(column: 0, as: String.self)
            case .document(let document):
                try await connection.query(
                    """
                    INSERT INTO document_pseudonyms (document_id, account_id, pseudonym) SELECT \(document), \(account), \(candidate)
                    WHERE NOT EXISTS (SELECT 1 FROM forum_pseudonyms WHERE account_id = \(account) AND pseudonym = \(candidate))
                      AND NOT EXISTS (SELECT 1 FROM document_pseudonyms WHERE account_id = \(account) AND pseudonym = \(candidate))
                    ON CONFLICT DO NOTHING RETURNING pseudonym
                    """
                ).first?.decode(column: 0, as: String.self)
            }
            if let inserted { return inserted }
        }
        throw AccountError.conflict("No free pseudonym was found; try again.")
    }

    /// "Member " and `digits` random upper-case hexadecimal digits.
    static func randomPseudonym(digits: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = Array("0123456789ABCDEF")
        return "Member " + String((0..<digits).map { _ in hex[Int(generator.next() % 16)] })
    }

    /// Makes sure `account` has a pseudonym in the topic when its category is pseudonymous.
    func assignPseudonym(to account: UUID, in topic: UUID, category: StoredCategory, on connection: PostgresConnection) async throws {
        if category.pseudonymous { _ = try await self.pseudonym(for: account, in: topic, on: connection) }
    }

    /// Tells an administrator who wrote a post in a pseudonymous category. Needs a reason (1–1,000
    /// characters), which the author is told in an `author-revealed` notification; the audit log
    /// records the post, the topic and the reason's length.
    public func revealAuthor(of postID: UUID, reason: String, by actor: Actor) async throws -> RevealedAuthor {
        try Access.require(actor, .revealPostAuthor)
        guard let reason = reason.trimmed(fitting: 1...1000) else {
            throw AccountError.invalidInput("Give a reason of 1 to 1,000 characters; the author will be told it.")
        }
        return try await self.pool.withTransaction { connection -> RevealedAuthor in
            guard let stored = try await self.storedPost(postID, viewer: actor.accountID, on: connection) else { throw AccountError.notFound }
            try Access.require(actor, .readPost(stored.rules, author: stored.authorId, state: stored.state))
            guard stored.topic.category.pseudonymous else {
                throw AccountError.conflict("This post is not in a pseudonymous category: its author is shown with it.")
            }
            let row = try await connection.query(
                """
                SELECT a.id, a.display_name, ps.pseudonym FROM accounts a
                LEFT JOIN forum_pseudonyms ps ON ps.topic_id = \(stored.topic.topic.id) AND ps.account_id = a.id
                WHERE a.id = \(stored.authorId)
                """
            ).first
            guard let (author, name, pseudonym) = try row?.decode((UUID, String?, String?).self) else {
                throw AccountError.conflict("The author's account no longer exists.")
            }
            try await self.audit.record(
                AuditEvent(
                    actor: actor.accountID, action: "forum.author-reveal", target: "post:\(postID)",
                    details: ["topic": stored.topic.topic.id.uuidString, "reason_length": String(reason.codePoints)]
                ),
                on: connection
            )
            try await self.notifications.record(
                Notice(.authorRevealed, to: [author], about: .init(.post, postID), details: ["reason": reason]), on: connection
            )
            return RevealedAuthor(postId: postID, topicId: stored.topic.topic.id, pseudonym: pseudonym, authorId: author, authorName: name)
        }
    }
}
