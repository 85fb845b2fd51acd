import NIOCore

/// Where and how to reach the mail server that Haven hands its mail to.
public struct SMTPConfiguration: Sendable {
    /// How the connection is protected.
    public enum Security: String, Sendable, CaseIterable {
        /// STARTTLS is required, and the server's certificate is verified against its name:
        /// a server that does not offer it gets no mail.
        case startTLS = "starttls"
        /// Plain SMTP, for a relay on the same host or network (credentials are never sent).
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    /// User name and password for AUTH PLAIN or LOGIN, sent only over TLS.
    public var username: String?
    public var password: String?
    /// CA certificates (PEM) to verify the server with; nil: the system's.
    public var trustedCAPath: String?
    /// The name Haven gives in EHLO.
    public var clientName: String
    /// How long one message may take, from connecting to the server's last answer.
    public var timeout: TimeAmount

    public init(
        host: String, port: Int = 587, security: Security = .startTLS, username: String? = nil, password: String? = nil,
        trustedCAPath: String? = nil, clientName: String = "localhost", timeout: TimeAmount = .seconds(60)
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.trustedCAPath = trustedCAPath
        self.clientName = clientName
        self.timeout = timeout
    }
}
