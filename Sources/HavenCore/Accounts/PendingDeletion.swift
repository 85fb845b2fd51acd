import Foundation

/// A deletion that has been asked for and not yet carried out or cancelled.
public struct PendingDeletion: Sendable, Equatable, Codable {
    public var requestedAt: Date
    /// When the purge job erases the account; signing in before then takes the request back
    /// (unless an administrator asked for it).
    public var dueAt: Date
    /// What becomes of the member's forum posts.
    public var posts: DeletedPosts
    /// Asked by an administrator: the account is disabled meanwhile.
    public var byStaff: Bool
}
