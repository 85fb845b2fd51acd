import ArgumentParser
import Configuration

/// How `haven serve` secures connections, as flags: a certificate and key, a development
/// certificate, or (behind a trusted terminator only) none.
struct TLSOptions: ParsableArguments, ConfigurationFlags {
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

    @Option(name: .customLong("tls-min-version"), help: "Lowest TLS version accepted: 1.2 (the default) or 1.3.")
    var minimumVersion: String?

    @Flag(
        name: .customLong("insecure-http"),
        help: "Serve plain HTTP, for running behind a trusted TLS terminator only. Passwords and sessions cross the network in clear text otherwise."
    )
    var insecureHTTP = false

    var flags: [String: ConfigContent] {
        var flags: [String: ConfigContent] = [:]
        flags.set(.tlsCertificate, self.certificate)
        flags.set(.tlsKey, self.key)
        flags.set(SettingKey(SettingKey.tlsKeyPassword.fileKey), self.keyPasswordFile)
        flags.set(.tlsClientCA, self.clientCA)
        flags.set(.tlsOCSPResponse, self.ocspResponse)
        flags.set(.tlsMinimumVersion, self.minimumVersion)
        flags.set(.insecureHTTP, flag: self.insecureHTTP)
        return flags
    }
}
