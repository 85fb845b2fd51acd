/// The forums' moderation thresholds and limits; defaults suit a small vetted community.
public struct ForumsConfiguration: Sendable {
    /// A member's posts wait for a moderator until this many of theirs have been approved.
    public var trustedAfterApprovedPosts = 3
    /// Topics and replies a member may write per minute (staff are not limited).
    public var postsPerMinute = 6
    /// Searches a member may run per minute (per server instance).
    public var searchesPerMinute = 30
    /// The longest post, in characters of Markdown.
    public var maximumPostLength = 32_000
    /// Posts per page of a topic, and the most a client may ask for.
    public var pageSize = 50

    public init() {}
}
