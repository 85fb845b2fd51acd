/// Why a message could not be handed to the mail server. `isPermanent` decides whether the
/// outbox tries again later or gives the message up.
public enum MailError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server could not be reached, or the connection broke or timed out.
    case unreachable(String)
    /// The server answered `code` to `command`: 4xx is worth retrying, 5xx is not.
    case refused(command: String, code: Int, reply: String)
    /// The server said something that is not SMTP.
    case protocolViolation(String)
    /// TLS was required (STARTTLS, or before sending credentials) and could not be set up.
    case tlsUnavailable(String)
    /// An address that cannot be sent to: malformed, or non-ASCII to a server without SMTPUTF8.
    case badAddress(String)

    /// Whether trying again cannot help.
    public var isPermanent: Bool {
        switch self {
        case .refused(_, let code, _): code >= 500
        case .badAddress: true
        case .unreachable, .protocolViolation, .tlsUnavailable: false
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let reason): "mail server unreachable: \(reason)"
        case .refused(let command, let code, let reply): "mail server answered \(code) to \(command): \(reply)"
        case .protocolViolation(let what): "mail server broke the protocol: \(what)"
        case .tlsUnavailable(let reason): "TLS with the mail server failed: \(reason)"
        case .badAddress(let address): "cannot send to \(address)"
        }
    }
}
