/// Why a notification request was refused.
public enum NotificationError: Error, Sendable, Equatable {
    /// Security events on one's own account always reach the member.
    case securityCannotBeOff(NotificationKind)
}
