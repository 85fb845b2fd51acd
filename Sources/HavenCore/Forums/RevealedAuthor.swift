import Foundation

/// The real author of a post in a pseudonymous category, as an administrator who revealed it
/// (with a reason, audited, the author told) reads it.
public struct RevealedAuthor: Sendable, Codable, Equatable {
    public var postId: UUID
    public var topicId: UUID
    /// The pseudonym the post is shown under.
    public var pseudonym: String?
    public var authorId: UUID
    public var authorName: String?
}
