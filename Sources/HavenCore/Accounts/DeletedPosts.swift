/// What becomes of a deleted member's forum posts.
public enum DeletedPosts: String, Sendable, Codable, CaseIterable {
    /// Their words are erased at once; the posts show as deleted, so threads keep their shape.
    case remove
    /// The posts stay, under an anonymous "former member" label: no author id, no name.
    case keep
}

/// The installation's rule for deleted members' posts (`accounts.deleted_posts`).
public enum DeletedPostsPolicy: String, Sendable, CaseIterable {
    /// Every deleted member's posts are removed.
    case remove
    /// Every deleted member's posts are kept as a former member's.
    case keep
    /// The member chooses when asking for deletion; without a choice (or when an administrator
    /// deletes the account) the posts are removed, the choice that reveals least about them.
    case memberChoice = "member-choice"

    /// What happens to the posts, given the member's choice (if any).
    public func posts(choosing choice: DeletedPosts?) -> DeletedPosts {
        switch self {
        case .remove: .remove
        case .keep: .keep
        case .memberChoice: choice ?? .remove
        }
    }
}
