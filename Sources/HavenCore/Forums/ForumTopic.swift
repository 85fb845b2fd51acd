import Foundation

/// A topic in a category's listing or at the head of its page.
public struct ForumTopic: Sendable, Codable, Equatable {
    public var id: UUID
    public var categoryId: UUID
    public var title: String
    public var language: String
    /// Left out in a pseudonymous category, where `authorName` is the author's pseudonym.
    public var authorId: UUID?
    public var authorName: String?
    /// True in a pseudonymous category (nil elsewhere).
    public var pseudonymous: Bool?
    /// In a pseudonymous category, whether the viewer wrote it (nil elsewhere).
    public var mine: Bool?
    /// pending, published, rejected, deleted, or merged (into `mergedInto`).
    public var state: String
    public var mergedInto: UUID?
    public var locked: Bool
    public var pinned: Bool
    public var createdAt: Date
    public var lastPostedAt: Date
    public var replyCount: Int
    /// Whether the topic has posts the viewer has not read.
    public var unread: Bool
}

/// One page of a list, and the cursor for the next (nil on the last page).
public struct Page<Item: Sendable & Codable & Equatable>: Sendable, Codable, Equatable {
    public var items: [Item]
    public var next: String?
}
