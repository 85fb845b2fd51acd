/// Why TLS could not be set up or a connection failed; OpenSSL's own explanation is included.
public enum TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file could not be read or parsed.
    case unreadableFile(path: String, reason: String)
    /// The private key cannot be decrypted with the given passphrase (or needs one).
    case wrongKeyPassword(path: String)
    /// The private key does not belong to the certificate.
    case keyDoesNotMatchCertificate(certificatePath: String, keyPath: String)
    /// An OpenSSL call failed while setting up.
    case configuration(String)
    /// The handshake failed; the text is OpenSSL's error queue.
    case handshakeFailed(String)
    /// The handshake did not finish in time.
    case handshakeTimeout
    /// The peer closed the TCP connection without a TLS close_notify: data may have been cut off.
    case uncleanShutdown
    /// A TLS error after the handshake.
    case protocolError(String)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason): "cannot read \(path): \(reason)"
        case .wrongKeyPassword(let path): "cannot decrypt the private key \(path): wrong or missing passphrase"
        case .keyDoesNotMatchCertificate(let certificate, let key): "the private key \(key) does not match the certificate \(certificate)"
        case .configuration(let reason): "TLS setup failed: \(reason)"
        case .handshakeFailed(let reason): "TLS handshake failed: \(reason)"
        case .handshakeTimeout: "TLS handshake timed out"
        case .uncleanShutdown: "the peer closed the connection without a TLS close_notify"
        case .protocolError(let reason): "TLS error: \(reason)"
        }
    }
}
