import ArgumentParser
import Foundation
import OpenSSLTLS

/// `haven dev …`: helpers for development machines.
struct Development: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Development helpers.",
        subcommands: [DevelopmentCertificateCommand.self, SeedForumsCommand.self]
    )
}

/// `haven dev cert`: make a self-signed certificate for localhost.
struct DevelopmentCertificateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert",
        abstract: "Create a self-signed ECDSA P-256 certificate for localhost, 127.0.0.1 and ::1 in <data-dir>/tls."
    )

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Folder for development files.", valueName: "path"))
    var dataDirectory: String = ".haven"

    @Option(help: "Days the certificate is valid.")
    var days = 365

    func run() async throws {
        let folder = URL(filePath: self.dataDirectory, directoryHint: .isDirectory).appending(path: "tls")
        let certificate = folder.appending(path: "dev-cert.pem").path
        let key = folder.appending(path: "dev-key.pem").path
        try DevelopmentCertificate.create(certificatePath: certificate, keyPath: key, validDays: self.days)
        let context = try TLSContext(configuration: TLSConfiguration(certificateChainPath: certificate, privateKeyPath: key))
        print("Certificate: \(certificate)")
        print("Key:         \(key)")
        print("SHA-256:     \(context.certificateFingerprint)")
        print("Trust it with: curl --cacert \(certificate) https://localhost:8080/healthz")
    }
}
