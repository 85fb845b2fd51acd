/// How a TLS endpoint is set up: its certificate and key, which protocol versions and cipher
/// suites it accepts, and what it negotiates.
public struct TLSConfiguration: Sendable, Hashable {
    /// Cipher and version profiles after Mozilla's server-side TLS guidelines (version 5.7).
    public enum Profile: Sendable, Hashable {
        /// TLS 1.2 and 1.3 with forward-secret AEAD suites only: the default.
        case intermediate
        /// TLS 1.3 only.
        case modern
    }

    /// The lowest protocol version accepted.
    public enum Version: Sendable, Hashable {
        case tls12
        case tls13
    }

    /// PEM file: the server's certificate, then any intermediates.
    public var certificateChainPath: String
    /// PEM file: the private key (RSA or ECDSA), optionally encrypted.
    public var privateKeyPath: String
    /// Passphrase of an encrypted private key.
    public var privateKeyPassword: String?
    /// PEM file of CAs whose client certificates are required (mutual TLS); nil turns it off.
    public var clientCAPath: String?
    public var profile: Profile
    public var minimumVersion: Version
    /// ALPN protocols in order of preference.
    public var applicationProtocols: [String]
    /// DER OCSP response to staple, refreshed on reload.
    public var ocspResponsePath: String?
    /// A handshake not finished in this time is abandoned.
    public var handshakeTimeout: Duration

    public init(
        certificateChainPath: String,
        privateKeyPath: String,
        privateKeyPassword: String? = nil,
        clientCAPath: String? = nil,
        profile: Profile = .intermediate,
        minimumVersion: Version = .tls12,
        applicationProtocols: [String] = ["http/1.1"],
        ocspResponsePath: String? = nil,
        handshakeTimeout: Duration = .seconds(10)
    ) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.privateKeyPassword = privateKeyPassword
        self.clientCAPath = clientCAPath
        self.profile = profile
        self.minimumVersion = minimumVersion
        self.applicationProtocols = applicationProtocols
        self.ocspResponsePath = ocspResponsePath
        self.handshakeTimeout = handshakeTimeout
    }

    /// TLS 1.2 suites of Mozilla's intermediate profile: ECDHE or DHE key exchange, AES-GCM or
    /// ChaCha20-Poly1305 (no RC4, 3DES, CBC or SHA-1 MACs). TLS 1.3 suites are OpenSSL's defaults,
    /// which are the same three the profile names.
    public static var intermediateCipherList: String { Self.intermediateCiphers }

    static let intermediateCiphers = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
        "DHE-RSA-AES128-GCM-SHA256", "DHE-RSA-AES256-GCM-SHA384", "DHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")
    static let tls13Ciphersuites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
    static let groups = "X25519:P-256:P-384:ffdhe2048"
}
