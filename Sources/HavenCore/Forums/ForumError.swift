import Foundation

/// Why a forum operation was refused, beyond access and validation (`AccountError`).
public enum ForumError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Someone changed the post since `expected` was read; the current version is given.
    case editConflict(expected: Int, current: Int)
    /// The topic is locked: only moderators post or edit in it.
    case topicLocked
    /// A moderator already decided on this post.
    case alreadyModerated
    /// Too many posts or searches: try again after this many seconds.
    case rateLimited(retryAfter: Int)

    public var description: String {
        switch self {
        case .editConflict(let expected, let current):
            "the post changed since version \(expected) (now version \(current)); reload it and edit again"
        case .topicLocked: "the topic is locked"
        case .alreadyModerated: "a moderator has already decided on this post"
        case .rateLimited(let seconds): "too many requests; try again in \(seconds) s"
        }
    }
}
