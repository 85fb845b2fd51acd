/// Why a notification request was refused.
public enum NotificationError: Error, Sendable, Equatable {
    /// Security events on one's own account, and the news that one's pseudonymous post was
    /// unmasked, always reach the member.
    case securityCannotBeOff(NotificationKind)
}
