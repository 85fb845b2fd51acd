import Foundation
import OpenSSLTLS

/// One development certificate per test process, for serving over real TLS.
public enum TestCertificate {
    /// Certificate and key paths; the certificate is also the CA file clients trust.
    public static let files: (certificate: String, key: String) = {
        let folder = URL(filePath: NSTemporaryDirectory()).appending(path: "haven-tls-\(getpid())")
        do {
            return try DevelopmentCertificate.ensure(in: folder)
        } catch {
            preconditionFailure("cannot make the test certificate: \(error)")
        }
    }()

    /// A server context over the test certificate.
    public static func serverContext() throws -> TLSContext {
        try TLSContext(configuration: TLSConfiguration(certificateChainPath: files.certificate, privateKeyPath: files.key))
    }
}
