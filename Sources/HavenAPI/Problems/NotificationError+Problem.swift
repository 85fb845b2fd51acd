import HavenCore

extension NotificationError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .securityCannotBeOff(let kind):
            kind.isSecurity
                ? Problem(.securityNotificationRequired, detail: "\(kind.rawValue) notifications are about your account's safety and cannot be turned off.")
                : Problem(.securityNotificationRequired, detail: "\(kind.rawValue) notifications bring what you asked for and cannot be turned off.")
        }
    }
}
