import Foundation

/// What waits for a moderator, oldest first, in the categories they moderate.
public struct ModerationQueue: Sendable, Codable, Equatable {
    public struct Counts: Sendable, Codable, Equatable {
        public var pendingTopics: Int
        public var pendingReplies: Int
        public var openFlags: Int
    }

    /// A post waiting for approval (a new topic when `newTopic`).
    public struct PendingPost: Sendable, Codable, Equatable {
        public var postId: UUID
        public var topicId: UUID
        public var topicTitle: String
        /// The topic's language (its title and posts are marked with it on pages).
        public var topicLanguage: String
        public var categoryId: UUID
        public var authorId: UUID?
        public var authorName: String?
        public var newTopic: Bool
        public var source: String
        public var html: String
        public var version: Int
        public var createdAt: Date
    }

    /// A member's report on a post. Who reported it is not shown, to protect them.
    public struct OpenFlag: Sendable, Codable, Equatable {
        public var flagId: UUID
        public var postId: UUID
        public var topicId: UUID
        public var topicTitle: String
        public var topicLanguage: String
        public var reason: String
        public var note: String
        public var postHtml: String
        public var postState: PostState
        public var flaggedAt: Date
    }

    public var counts: Counts
    public var posts: [PendingPost]
    public var flags: [OpenFlag]
    /// Cursors for the next page of posts and of flags.
    public var nextPosts: String?
    public var nextFlags: String?
}

/// A moderator's decision on a waiting post.
public enum ModerationDecision: Sendable, Equatable {
    /// Publish it, optionally after changing its text (from `expectedVersion`).
    case approve(editedSource: String?, expectedVersion: Int?)
    /// Refuse it; the reason is shown to the author.
    case reject(reason: String)
}

/// What a moderator changes on a topic; nil leaves a setting as it is.
public struct TopicChanges: Sendable, Equatable {
    public var locked: Bool?
    public var pinned: Bool?
    /// Move the topic into this category.
    public var categoryId: UUID?

    public init(locked: Bool? = nil, pinned: Bool? = nil, categoryId: UUID? = nil) {
        self.locked = locked
        self.pinned = pinned
        self.categoryId = categoryId
    }
}

/// How a moderator settles a report.
public enum FlagResolution: String, Sendable, Codable, CaseIterable {
    /// Nothing wrong with the post.
    case dismissed
    /// The post is hidden; the note is the reason its author sees.
    case postHidden = "post-hidden"
}
