import HavenCore

extension NotificationError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .securityCannotBeOff(let kind):
            Problem(
                .securityNotificationRequired,
                detail: switch kind {
                case .authorRevealed:
                    "author-revealed notifications tell you that an administrator learnt who wrote a pseudonymous post of yours; they cannot be turned off."
                case .dataExportReady: "data-export-ready notifications bring the export you asked for; they cannot be turned off."
                default: "\(kind.rawValue) notifications are about your account's safety and cannot be turned off."
                }
            )
        }
    }
}
