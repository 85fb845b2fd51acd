import Foundation
import Logging
import OpenSSLTLS
import PostgresClient
import Testing

/// Loading certificates and keys: each failure names the file and the reason.
@Suite struct ContextLoadingTests {
    func folder() throws -> URL {
        let folder = URL(filePath: NSTemporaryDirectory()).appending(path: "haven-tls-load-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    func openssl(_ arguments: [String]) async throws {
        let result = try await run("/usr/bin/openssl", arguments)
        #expect(result.status == 0, "openssl \(arguments.joined(separator: " ")): \(result.output)")
    }

    @Test func missingFileIsNamed() throws {
        let configuration = TLSConfiguration(certificateChainPath: "/nonexistent/cert.pem", privateKeyPath: "/nonexistent/key.pem")
        #expect {
            try TLSContext(configuration: configuration)
        } throws: { error in
            guard case .unreadableFile(let path, _) = error as? TLSError else { return false }
            return path == "/nonexistent/cert.pem" && "\(error)".contains("/nonexistent/cert.pem")
        }
    }

    @Test func keyOfAnotherCertificateIsRefused() throws {
        let first = try TLSTestServer.makeCertificate(name: "first")
        let second = try TLSTestServer.makeCertificate(name: "second")
        #expect(throws: TLSError.keyDoesNotMatchCertificate(certificatePath: first.certificate, keyPath: second.key)) {
            try TLSContext(configuration: TLSConfiguration(certificateChainPath: first.certificate, privateKeyPath: second.key))
        }
    }

    @Test func encryptedKeyNeedsTheRightPassword() async throws {
        let folder = try self.folder()
        let plain = try TLSTestServer.makeCertificate()
        let encrypted = folder.appending(path: "encrypted-key.pem").path
        try await openssl(["pkey", "-in", plain.key, "-out", encrypted, "-aes256", "-passout", "pass:correct horse"])
        #expect(throws: TLSError.wrongKeyPassword(path: encrypted)) {
            try TLSContext(configuration: TLSConfiguration(certificateChainPath: plain.certificate, privateKeyPath: encrypted, privateKeyPassword: "wrong"))
        }
        #expect(throws: TLSError.wrongKeyPassword(path: encrypted)) {
            try TLSContext(configuration: TLSConfiguration(certificateChainPath: plain.certificate, privateKeyPath: encrypted))
        }
        let context = try TLSContext(
            configuration: TLSConfiguration(certificateChainPath: plain.certificate, privateKeyPath: encrypted, privateKeyPassword: "correct horse")
        )
        #expect(context.certificateFingerprint.count == 64)
    }

    @Test func rsaCertificatesWorkToo() async throws {
        let folder = try self.folder()
        let key = folder.appending(path: "rsa-key.pem").path
        let certificate = folder.appending(path: "rsa-cert.pem").path
        try await openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "30",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ])
        let configuration = TLSConfiguration(certificateChainPath: certificate, privateKeyPath: key)
        try await TLSTestServer.with(configuration: configuration) { server throws in
            let result = try await run("/usr/bin/curl", ["-sS", "-v", "--cacert", certificate, "--tls-max", "1.2", "\(server.url)/hello"])
            #expect(result.output.contains("ECDHE-RSA-AES"))
            #expect(result.output.hasSuffix("hello"))
        }
    }

    @Test func expiredCertificateLoadsWithAWarning() async throws {
        let folder = try self.folder()
        let key = folder.appending(path: "old-key.pem").path
        let certificate = folder.appending(path: "old-cert.pem").path
        // Its validity ended yesterday.
        try DevelopmentCertificate.create(certificatePath: certificate, keyPath: key, validDays: -1)
        let recorder = LogRecorder()
        let logger = Logger(label: "test") { _ in recorder }
        let context = try TLSContext(configuration: TLSConfiguration(certificateChainPath: certificate, privateKeyPath: key), logger: logger)
        #expect(!context.certificateFingerprint.isEmpty)
        #expect(recorder.messages.contains { $0.contains("expired") })
    }
}

/// Collects log messages.
final class LogRecorder: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var messages: [String] { self.lock.withLock { self.recorded } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        self.lock.withLock { self.recorded.append("\(event.level) \(event.message)") }
    }
}
