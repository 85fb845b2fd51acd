import HavenCore

extension NotificationError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .securityCannotBeOff(let kind):
            Problem(.securityNotificationRequired, detail: "\(kind.rawValue) notifications are about your account's safety and cannot be turned off.")
        }
    }
}
