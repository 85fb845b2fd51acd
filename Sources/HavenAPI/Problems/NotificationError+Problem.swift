import HavenCore

extension NotificationError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .securityCannotBeOff(.authorRevealed):
            Problem(
                .securityNotificationRequired,
                detail: "author-revealed notifications tell you that an administrator learnt who wrote a pseudonymous post of yours; they cannot be turned off."
            )
        case .securityCannotBeOff(.dataExportReady):
            Problem(.securityNotificationRequired, detail: "data-export-ready notifications bring the export you asked for; they cannot be turned off.")
        case .securityCannotBeOff(let kind):
            Problem(.securityNotificationRequired, detail: "\(kind.rawValue) notifications are about your account's safety and cannot be turned off.")
        }
    }
}
