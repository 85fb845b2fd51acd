/// Why a cryptographic operation failed.
public enum CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A key, nonce or length of the wrong size.
    case invalidArgument(String)
    /// Decryption found the data or its associated data altered (or the wrong key).
    case authenticationFailed
    /// libcrypto reported an error; the text is its error queue.
    case openSSL(String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): "invalid argument: \(message)"
        case .authenticationFailed: "authentication failed: the data was altered or the key is wrong"
        case .openSSL(let message): "OpenSSL: \(message)"
        }
    }
}
