import COpenSSL
import COpenSSLShims
import Foundation
import Logging
import NIOConcurrencyHelpers
import Synchronization

/// TLS settings loaded into OpenSSL: what each new connection is set up from. A server context
/// holds a certificate and key; a client context holds the CAs it trusts.
///
/// `reload()` reads a server's certificate and key files again; new connections use the new pair,
/// connections already open keep theirs. A pair that fails to load is refused and the old one
/// stays. Thread-safe.
public final class TLSContext: Sendable {
    /// The server configuration (nil for a client context).
    public let configuration: TLSConfiguration?
    /// How long a handshake may take.
    public let handshakeTimeout: Duration
    let isServer: Bool
    let counters = Counters()
    private let current: NIOLockedValueBox<SSLContextBox>
    private let logger: Logger

    /// A server context from the configuration's files.
    /// - Throws: `TLSError` naming the file and the reason.
    public init(configuration: TLSConfiguration, logger: Logger = Logger(label: "haven.tls")) throws(TLSError) {
        self.configuration = configuration
        self.handshakeTimeout = configuration.handshakeTimeout
        self.isServer = true
        self.logger = logger
        self.current = NIOLockedValueBox(try Self.load(configuration, logger: logger))
    }

    /// A client context that verifies servers against `trustedCAPath` (PEM), or the system's CAs.
    public init(clientTrusting trustedCAPath: String? = nil, handshakeTimeout: Duration = .seconds(10)) throws(TLSError) {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw .configuration(OpenSSLErrorQueue.drain()) }
        let box = SSLContextBox(context)
        _ = haven_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION)
        _ = haven_SSL_CTX_set_options(context, haven_SSL_OP_hardened())
        guard SSL_CTX_set_cipher_list(context, TLSConfiguration.intermediateCiphers) == 1 else {
            throw .configuration(OpenSSLErrorQueue.drain())
        }
        let loaded = trustedCAPath.map { SSL_CTX_load_verify_locations(context, $0, nil) } ?? SSL_CTX_set_default_verify_paths(context)
        guard loaded == 1 else {
            throw .unreadableFile(path: trustedCAPath ?? "the system CA store", reason: OpenSSLErrorQueue.drain())
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        self.configuration = nil
        self.handshakeTimeout = handshakeTimeout
        self.isServer = false
        self.logger = Logger(label: "haven.tls.client")
        self.current = NIOLockedValueBox(box)
    }

    /// Loads the files again and, if they are good, makes new connections use them.
    public func reload() throws(TLSError) {
        guard let configuration = self.configuration else { throw .configuration("a client context has nothing to reload") }
        do {
            let fresh = try Self.load(configuration, logger: self.logger)
            self.current.withLockedValue { $0 = fresh }
            self.logger.info("TLS certificate reloaded", metadata: ["certificate": "\(configuration.certificateChainPath)"])
        } catch {
            self.logger.error("TLS reload refused; keeping the previous certificate", metadata: ["error": "\(error)"])
            throw error
        }
    }

    /// Live counts of what connections made from this context hold, for metrics and leak checks.
    final class Counters: Sendable {
        /// TLS handlers in channel pipelines (one per open connection).
        let connections = Atomic<Int>(0)
        /// OpenSSL `SSL` objects not yet freed.
        let sessions = Atomic<Int>(0)
        let handshakes = Atomic<Int>(0)
        let failedHandshakes = Atomic<Int>(0)
    }

    /// Connections served through this context right now.
    public var openConnections: Int { self.counters.connections.load(ordering: .relaxed) }
    /// OpenSSL sessions not yet freed: equal to `openConnections` at most; zero once all are gone.
    public var liveSessions: Int { self.counters.sessions.load(ordering: .relaxed) }
    /// Handshakes completed and failed since the context was made.
    public var handshakeCounts: (completed: Int, failed: Int) {
        (self.counters.handshakes.load(ordering: .relaxed), self.counters.failedHandshakes.load(ordering: .relaxed))
    }

    /// The SHA-256 fingerprint of the certificate new connections get, as hex.
    public var certificateFingerprint: String {
        self.current.withLockedValue { $0.fingerprint }
    }

    /// A new `SSL` object; the caller owns it (and frees it with `SSL_free`). A client sends
    /// `serverHostname` (SNI) and checks the server's certificate against it.
    func makeSSL(serverHostname: String?) -> OpaquePointer? {
        guard let ssl = self.current.withLockedValue({ SSL_new($0.pointer) }) else { return nil }
        if !self.isServer, let serverHostname {
            guard haven_SSL_set_tlsext_host_name(ssl, serverHostname) == 1, SSL_set1_host(ssl, serverHostname) == 1 else {
                SSL_free(ssl)
                return nil
            }
        }
        return ssl
    }

    // MARK: Loading

    private static func load(_ configuration: TLSConfiguration, logger: Logger) throws(TLSError) -> SSLContextBox {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw .configuration(OpenSSLErrorQueue.drain()) }
        let box = SSLContextBox(context)
        let minimum = configuration.profile == .modern || configuration.minimumVersion == .tls13 ? TLS1_3_VERSION : TLS1_2_VERSION
        guard haven_SSL_CTX_set_min_proto_version(context, minimum) == 1 else { throw .configuration(OpenSSLErrorQueue.drain()) }
        // Server order: every suite offered is strong, and scanners (testssl.sh) rate a server
        // without an order of its own lower. Mozilla's intermediate profile leaves it off.
        _ = haven_SSL_CTX_set_options(context, haven_SSL_OP_hardened() | haven_SSL_OP_server_preference())
        _ = haven_SSL_CTX_set_mode(context, Int(SSL_MODE_RELEASE_BUFFERS))
        guard SSL_CTX_set_cipher_list(context, TLSConfiguration.intermediateCiphers) == 1,
            SSL_CTX_set_ciphersuites(context, TLSConfiguration.tls13Ciphersuites) == 1,
            haven_SSL_CTX_set1_groups_list(context, TLSConfiguration.groups) == 1
        else { throw .configuration(OpenSSLErrorQueue.drain()) }
        _ = haven_SSL_CTX_set_dh_auto(context, 1)
        // Resumption through a server-side session cache rather than tickets, whose keys would
        // need rotating by hand.
        _ = haven_SSL_CTX_set_session_cache_mode(context, Int(SSL_SESS_CACHE_SERVER))
        _ = haven_SSL_CTX_sess_set_cache_size(context, 20_480)
        SSL_CTX_set_timeout(context, 86_400)
        let sessionContext = Array("haven".utf8)
        SSL_CTX_set_session_id_context(context, sessionContext, UInt32(sessionContext.count))

        let certificates = try Self.readCertificates(configuration.certificateChainPath)
        guard let leaf = certificates.first else {
            throw .unreadableFile(path: configuration.certificateChainPath, reason: "no PEM certificate in it")
        }
        guard SSL_CTX_use_certificate(context, leaf) == 1 else {
            throw .unreadableFile(path: configuration.certificateChainPath, reason: OpenSSLErrorQueue.drain())
        }
        for intermediate in certificates.dropFirst() {
            // The context takes ownership of each intermediate.
            X509_up_ref(intermediate)
            guard haven_SSL_CTX_add_extra_chain_cert(context, intermediate) == 1 else {
                throw .unreadableFile(path: configuration.certificateChainPath, reason: OpenSSLErrorQueue.drain())
            }
        }
        defer { certificates.forEach { X509_free($0) } }

        let key = try Self.readPrivateKey(configuration.privateKeyPath, password: configuration.privateKeyPassword)
        defer { EVP_PKEY_free(key) }
        guard SSL_CTX_use_PrivateKey(context, key) == 1, SSL_CTX_check_private_key(context) == 1 else {
            _ = OpenSSLErrorQueue.drain()
            throw .keyDoesNotMatchCertificate(certificatePath: configuration.certificateChainPath, keyPath: configuration.privateKeyPath)
        }
        if X509_cmp_current_time(X509_get0_notAfter(leaf)) < 0 {
            logger.warning("the TLS certificate has expired", metadata: ["certificate": "\(configuration.certificateChainPath)"])
        } else if X509_cmp_current_time(X509_get0_notBefore(leaf)) > 0 {
            logger.warning("the TLS certificate is not valid yet", metadata: ["certificate": "\(configuration.certificateChainPath)"])
        }

        if let clientCA = configuration.clientCAPath {
            guard SSL_CTX_load_verify_locations(context, clientCA, nil) == 1, let names = SSL_load_client_CA_file(clientCA) else {
                throw .unreadableFile(path: clientCA, reason: OpenSSLErrorQueue.drain())
            }
            SSL_CTX_set_client_CA_list(context, names)
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
        }

        var wire: [UInt8] = []
        for name in configuration.applicationProtocols where !name.isEmpty && name.utf8.count < 256 {
            wire.append(UInt8(name.utf8.count))
            wire.append(contentsOf: name.utf8)
        }
        if !wire.isEmpty, haven_SSL_CTX_set_alpn_protocols(context, wire, UInt32(wire.count)) != 1 {
            throw .configuration(OpenSSLErrorQueue.drain())
        }

        if let ocsp = configuration.ocspResponsePath {
            guard let response = FileManager.default.contents(atPath: ocsp), !response.isEmpty else {
                throw .unreadableFile(path: ocsp, reason: "missing or empty")
            }
            let bytes = [UInt8](response)
            guard haven_SSL_CTX_set_ocsp_response(context, bytes, bytes.count) == 1 else {
                throw .configuration(OpenSSLErrorQueue.drain())
            }
        }
        box.fingerprint = Self.fingerprint(leaf)
        return box
    }

    /// Every certificate in a PEM file, in order; the caller frees them.
    static func readCertificates(_ path: String) throws(TLSError) -> [OpaquePointer] {
        guard let bio = BIO_new_file(path, "r") else {
            _ = OpenSSLErrorQueue.drain()
            throw .unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        defer { BIO_free(bio) }
        var certificates: [OpaquePointer] = []
        while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
            certificates.append(certificate)
        }
        // Reading stops with a "no start line" error at the end of the file.
        _ = OpenSSLErrorQueue.drain()
        return certificates
    }

    static func readPrivateKey(_ path: String, password: String?) throws(TLSError) -> OpaquePointer {
        guard let bio = BIO_new_file(path, "r") else {
            _ = OpenSSLErrorQueue.drain()
            throw .unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        defer { BIO_free(bio) }
        // With no callback, OpenSSL takes the last argument as the passphrase; an empty one
        // makes an encrypted key fail instead of prompting on the terminal.
        var passphrase = Array((password ?? "").utf8CString)
        let key = passphrase.withUnsafeMutableBytes { PEM_read_bio_PrivateKey(bio, nil, nil, $0.baseAddress) }
        guard let key else {
            let reason = OpenSSLErrorQueue.drain()
            if reason.contains("bad decrypt") || reason.contains("bad password") || reason.contains("interrupted or cancelled")
                || reason.contains("decrypt")
            {
                throw .wrongKeyPassword(path: path)
            }
            throw .unreadableFile(path: path, reason: reason)
        }
        return key
    }

    static func fingerprint(_ certificate: OpaquePointer) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        X509_digest(certificate, EVP_sha256(), &digest, &length)
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}

/// Owns an `SSL_CTX`; connections made from it hold their own reference, so replacing the box on
/// reload does not disturb them.
final class SSLContextBox: @unchecked Sendable {
    let pointer: OpaquePointer
    var fingerprint = ""

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { SSL_CTX_free(self.pointer) }
}
