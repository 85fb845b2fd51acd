/// A moderator's decision on a pending document version.
public enum DocumentDecision: Sendable, Equatable {
    case approve
    /// Rejected, with the reason the uploader is shown.
    case reject(reason: String)
}
