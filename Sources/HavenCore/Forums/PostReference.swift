import Foundation

/// A post named in a list (bookmarks, one's own submissions): where it is and how it stands.
public struct PostReference: Sendable, Codable, Equatable {
    public var postId: UUID
    public var topicId: UUID
    public var topicTitle: String
    public var state: PostState
    /// Why a moderator rejected or hid it.
    public var moderationReason: String?
    public var createdAt: Date
}
