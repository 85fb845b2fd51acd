/// Where a post stands in moderation.
public enum PostState: String, Sendable, Codable, CaseIterable {
    /// Waiting for a moderator; seen only by its author and moderators.
    case pending
    case published
    /// Refused by a moderator, with a reason for the author.
    case rejected
    /// Taken down by a moderator after publication.
    case hidden
    /// Deleted by its author or a moderator; kept for moderators' review.
    case deleted
}
