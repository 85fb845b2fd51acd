/// The reactions a member may leave on a post: a small fixed set, no free-form emoji.
public enum ForumReaction: String, Sendable, Codable, CaseIterable {
    case like, thanks, insightful, support
}

/// Why a member reports a post to the moderators.
public enum FlagReason: String, Sendable, Codable, CaseIterable {
    case spam, abuse, offTopic = "off-topic", other
    /// It names or exposes someone.
    case personalData = "personal-data"
    /// It puts someone in danger.
    case danger
}
