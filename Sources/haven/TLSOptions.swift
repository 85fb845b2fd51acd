import ArgumentParser
import Foundation
import Logging
import OpenSSLTLS

/// How `haven serve` secures connections: a certificate and key, a development certificate, or
/// (behind a trusted terminator only) none.
struct TLSOptions: ParsableArguments {
    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("PEM certificate chain (leaf first).", valueName: "path"))
    var certificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("PEM private key (RSA or ECDSA).", valueName: "path"))
    var key: String?

    @Option(
        name: .customLong("tls-key-password-file"),
        help: ArgumentHelp("File holding the passphrase of an encrypted key.", valueName: "path")
    )
    var keyPasswordFile: String?

    @Option(
        name: .customLong("tls-client-ca"),
        help: ArgumentHelp("PEM file of CAs whose client certificates are then required (mutual TLS).", valueName: "path")
    )
    var clientCA: String?

    @Option(
        name: .customLong("tls-ocsp-response"),
        help: ArgumentHelp("DER OCSP response to staple (re-read on SIGHUP).", valueName: "path")
    )
    var ocspResponse: String?

    @Option(name: .customLong("tls-min-version"), help: "Lowest TLS version accepted: 1.2 or 1.3.")
    var minimumVersion = "1.2"

    @Flag(
        name: .customLong("insecure-http"),
        help: "Serve plain HTTP, for running behind a trusted TLS terminator only. Passwords and sessions cross the network in clear text otherwise."
    )
    var insecureHTTP = false

    func validate() throws {
        if self.insecureHTTP && (self.certificate != nil || self.key != nil || self.clientCA != nil || self.ocspResponse != nil) {
            throw ValidationError("--insecure-http cannot be combined with TLS options.")
        }
        if (self.certificate == nil) != (self.key == nil) {
            throw ValidationError("--tls-cert and --tls-key go together.")
        }
        if !["1.2", "1.3"].contains(self.minimumVersion) {
            throw ValidationError("--tls-min-version must be 1.2 or 1.3.")
        }
    }

    /// The TLS context to serve with, or nil for plain HTTP. Without a certificate, a development
    /// certificate in `dataFolder/tls` is used (and made if needed).
    func makeContext(dataFolder: URL, logger: Logger) throws -> TLSContext? {
        if self.insecureHTTP {
            logger.warning(
                "SERVING PLAIN HTTP (--insecure-http): only safe behind a TLS terminator on a trusted network"
            )
            return nil
        }
        var certificate = self.certificate
        var key = self.key
        if certificate == nil {
            let development = try DevelopmentCertificate.ensure(in: dataFolder.appending(path: "tls"))
            (certificate, key) = (development.certificate, development.key)
            logger.warning("serving with a self-signed development certificate", metadata: ["certificate": "\(development.certificate)"])
        }
        let password = try self.keyPasswordFile.map {
            try String(contentsOfFile: $0, encoding: .utf8).trimmingCharacters(in: .newlines)
        }
        return try TLSContext(
            configuration: TLSConfiguration(
                certificateChainPath: certificate ?? "",
                privateKeyPath: key ?? "",
                privateKeyPassword: password,
                clientCAPath: self.clientCA,
                minimumVersion: self.minimumVersion == "1.3" ? .tls13 : .tls12,
                ocspResponsePath: self.ocspResponse
            ),
            logger: logger
        )
    }
}
