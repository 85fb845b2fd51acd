import HavenCore

extension AccountError: ProblemConvertible {
    /// The problem an account error is reported as; never says whether an account exists.
    public var problem: Problem {
        switch self {
        case .invalidCredentials: Problem(.invalidCredentials)
        case .secondFactorRequired: Problem(.secondFactorRequired, detail: "Enter the code from your authenticator app or a recovery code.")
        case .throttled(let seconds): Problem(.tooManyAttempts, detail: "Try again in \(seconds) seconds.", retryAfter: seconds)
        case .busy(let seconds): Problem(.busy, retryAfter: seconds)
        case .passwordRejected(let reason): Problem(.passwordRejected, detail: reason)
        case .tokenInvalid: Problem(.tokenInvalid, detail: "It may have been used, revoked or have expired.")
        case .reauthenticationRequired: Problem(.reauthenticationRequired)
        case .secondFactorEnrolmentRequired: Problem(.secondFactorEnrolmentRequired)
        case .notSignedIn: Problem(.unauthenticated)
        case .forbidden: Problem(.forbidden)
        case .notFound: Problem(.notFound)
        case .emailTaken: Problem(.conflict)
        case .invalidInput(let reason): Problem(.invalidInput, detail: reason)
        case .conflict(let reason): Problem(.stateConflict, detail: reason)
        }
    }
}
