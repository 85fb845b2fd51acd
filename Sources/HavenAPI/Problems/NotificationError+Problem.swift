import HavenCore

extension NotificationError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .securityCannotBeOff(let kind):
            Problem(
                .securityNotificationRequired,
                detail: kind == .authorRevealed
                    ? "author-revealed notifications tell you that an administrator learnt who wrote a pseudonymous post of yours; they cannot be turned off."
                    : "\(kind.rawValue) notifications are about your account's safety and cannot be turned off."
            )
        }
    }
}
