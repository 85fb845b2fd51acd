/// Why a password could not be hashed or a stored hash could not be read.
public enum PasswordHashingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The parameters are below `Argon2Parameters.minimum`.
    case parametersBelowMinimum(Argon2Parameters)
    /// The stored string is not an Argon2id PHC string.
    case malformedHash
    /// libargon2 reported an error.
    case argon2(code: Int32, message: String)
    /// Too many hashes are waiting: try again shortly.
    case overloaded

    public var description: String {
        switch self {
        case .parametersBelowMinimum(let parameters):
            "Argon2id parameters m=\(parameters.memoryKiB),t=\(parameters.iterations),p=\(parameters.parallelism) "
                + "are below the minimum m=19456,t=2,p=1"
        case .malformedHash: "the stored password hash is not an Argon2id PHC string"
        case .argon2(let code, let message): "Argon2 error \(code): \(message)"
        case .overloaded: "too many password checks are waiting; try again shortly"
        }
    }
}
