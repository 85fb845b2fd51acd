import Foundation

/// Why an account operation was refused. Messages never say whether an account exists.
public enum AccountError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Wrong email, password, code or token — deliberately one answer for all.
    case invalidCredentials
    /// The password was right; a TOTP or recovery code is needed too.
    case secondFactorRequired
    /// Too many failures: try again after this many seconds.
    case throttled(retryAfter: Int)
    /// Password hashing is saturated: try again after this many seconds.
    case busy(retryAfter: Int)
    /// The new password breaks a rule; the reason is safe to show.
    case passwordRejected(String)
    /// The invitation or reset token is unknown, used, revoked or expired.
    case tokenInvalid
    /// This action needs the password (and second factor) entered again.
    case reauthenticationRequired
    /// Staff must enrol a second factor before anything else.
    case secondFactorEnrolmentRequired
    case notSignedIn
    case forbidden
    case notFound
    /// An account (or invitation) with this email already exists.
    case emailTaken
    /// Input that fails validation; the reason is safe to show.
    case invalidInput(String)
    /// Well-formed, but the thing's current state does not allow it (409); the reason is safe to show.
    case conflict(String)

    public var description: String {
        switch self {
        case .invalidCredentials: "the credentials are not valid"
        case .secondFactorRequired: "a second factor is required"
        case .throttled(let seconds): "too many attempts; try again in \(seconds) s"
        case .busy(let seconds): "busy; try again in \(seconds) s"
        case .passwordRejected(let reason): reason
        case .tokenInvalid: "the link or token is not valid (used, revoked or expired)"
        case .reauthenticationRequired: "enter your password again to do this"
        case .secondFactorEnrolmentRequired: "set up two-factor authentication first"
        case .notSignedIn: "sign in first"
        case .forbidden: "not allowed"
        case .notFound: "not found"
        case .emailTaken: "this email address is already in use"
        case .invalidInput(let reason): reason
        case .conflict(let reason): reason
        }
    }
}
