import Foundation

/// A post as a viewer sees it: rendered HTML, reactions, and the viewer's own marks.
public struct ForumPost: Sendable, Codable, Equatable {
    public var id: UUID
    public var topicId: UUID
    /// Left out in a pseudonymous category, where `authorName` is the author's pseudonym.
    public var authorId: UUID?
    public var authorName: String?
    /// True in a pseudonymous category (nil elsewhere).
    public var pseudonymous: Bool?
    /// In a pseudonymous category, whether the viewer wrote it (nil elsewhere).
    public var mine: Bool?
    public var replyTo: UUID?
    public var html: String
    public var state: PostState
    /// Why a moderator rejected or hid it; for its author and moderators only.
    public var moderationReason: String?
    public var version: Int
    public var createdAt: Date
    public var editedAt: Date?
    /// Counts by reaction kind.
    public var reactions: [String: Int]
    /// The viewer's own reactions.
    public var myReactions: [String]
    public var bookmarked: Bool
    /// The Markdown source; included where the viewer may edit it.
    public var source: String?
}

/// A topic with one page of its posts.
public struct TopicPage: Sendable, Codable, Equatable {
    public var topic: ForumTopic
    public var posts: [ForumPost]
    public var next: String?
}
