import Foundation
import Logging
import OpenSSLTLS

extension HavenConfiguration {
    /// The TLS context to serve with, or nil for plain HTTP. Without a certificate (development
    /// only), a development certificate in `<data-dir>/tls` is used, made if needed.
    func makeTLSContext(logger: Logger) throws -> TLSContext? {
        if self.tls.insecureHTTP {
            logger.warning("SERVING PLAIN HTTP (tls.insecure_http): only safe behind a TLS terminator on a trusted network")
            return nil
        }
        var certificate = self.tls.certificate
        var key = self.tls.key
        if certificate == nil {
            let development = try DevelopmentCertificate.ensure(in: try self.dataFolder().appending(path: "tls"))
            (certificate, key) = (development.certificate, development.key)
            logger.warning("serving with a self-signed development certificate", metadata: ["certificate": "\(development.certificate)"])
        }
        return try TLSContext(
            configuration: TLSConfiguration(
                certificateChainPath: certificate ?? "",
                privateKeyPath: key ?? "",
                privateKeyPassword: self.tls.keyPassword,
                clientCAPath: self.tls.clientCA,
                minimumVersion: self.tls.minimumVersion == "1.3" ? .tls13 : .tls12,
                ocspResponsePath: self.tls.ocspResponse
            ),
            logger: logger
        )
    }
}
