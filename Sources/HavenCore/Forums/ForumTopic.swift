import Foundation

/// A topic in a category's listing or at the head of its page.
public struct ForumTopic: Sendable, Codable, Equatable {
    public var id: UUID
    public var categoryId: UUID
    public var title: String
    public var language: String
    public var authorId: UUID?
    public var authorName: String?
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
