import ArgumentParser
import Foundation
import HavenAPI
import HavenCore
import HavenSchema
import PasswordHashing
import OpenSSLTLS
import Hummingbird
import Logging
import PostgresClient
import ServiceLifecycle
import UnixSignals

/// `haven serve`: run the HTTP server until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve Haven over HTTPS (plain HTTP only with --insecure-http).",
        discussion: "Refuses to start when the database has an unknown or changed migration, or pending ones "
            + "(unless --migrate)."
    )

    @OptionGroup var database: DatabaseOptions

    @OptionGroup var tls: TLSOptions

    @OptionGroup var secrets: SecretOptions

    @OptionGroup var mail: MailOptions

    @Option(name: .customLong("public-url"), help: "The address users reach Haven at, for links in mail. Default: https://<host>:<port>.")
    var publicURL: String?

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @Option(name: .customLong("pool-size"), help: "Most database connections to open.")
    var poolSize = 8

    @Option(
        name: .customLong("clamd"),
        help: ArgumentHelp("Scan every upload with this clamd: unix:/run/clamav/clamd.ctl or tcp:127.0.0.1:3310 (its StreamMaxLength must allow 100M).", valueName: "address")
    )
    var clamd: String?

    @Flag(help: "Apply pending migrations before serving.")
    var migrate = false

    @Option(
        name: .customLong("bootstrap-admin"),
        help: ArgumentHelp("On an empty installation, invite this address as the first administrator and print the one-time token.", valueName: "email")
    )
    var bootstrapAdmin: String?

    func run() async throws {
        Allocator.limitArenas()
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = self.database.makeLogger(label: "haven")
        let migrator = try HavenSchema.migrator()
        try await self.database.withPool(size: self.poolSize, logger: logger) { pool in
            if self.migrate {
                let applied = try await migrator.migrate(on: pool)
                if !applied.isEmpty { logger.info("applied migrations", metadata: ["migrations": "\(applied)"]) }
            }
            try await migrator.verify(on: pool)
            let dataFolder = try self.database.dataFolder()
            let publicURL = self.publicURL ?? "https://\(self.host):\(self.port)"
            let outbox = MailOutbox(
                pool: pool, transport: try self.mail.transport(logger: logger), sender: self.mail.sender(publicURL: publicURL),
                policy: try self.mail.policy(), logger: logger
            )
            let hashing = try self.secrets.hashingPool()
            defer { hashing.shutdown() }
            let accounts = Accounts(
                pool: pool, hashing: hashing, secret: try self.secrets.serverSecret(dataFolder: dataFolder, logger: logger),
                configuration: self.secrets.accountsConfiguration(publicURL: publicURL),
                logger: logger
            )
            var documents = DocumentsConfiguration()
            if let clamd = self.clamd {
                guard let address = VirusScanner.Address(clamd) else { throw ValidationError("--clamd is unix:PATH or tcp:HOST:PORT") }
                documents.virusScanner = VirusScanner(address: address)
            }
            let services = HavenServices(
                pool: pool, migrator: migrator, accounts: accounts, documentKeys: try self.secrets.masterKeys(dataFolder: dataFolder, logger: logger),
                documents: documents, notifications: NotificationsConfiguration(publicURL: publicURL, excerptsInMail: self.mail.mailExcerpts)
            )
            if let email = self.bootstrapAdmin, let token = try await accounts.bootstrapInvitation(email: email) {
                // Printed to the terminal once, never logged.
                announce(
                    """

                    No accounts yet: \(email) is invited as the first administrator. Accept within 7 days with
                      curl --cacert \(dataFolder.path)/tls/dev-cert.pem -H 'Content-Type: application/json' \\
                        -d '{"token": "\(token.text)", "display_name": "Administrator", "password": "<at least 15 characters>"}' \\
                        https://localhost:\(self.port)/invitations/accept
                    then enrol two-factor authentication (POST /me/two-factor) before anything else.

                    """
                )
            }
            let tlsContext = try self.tls.makeContext(dataFolder: dataFolder, logger: logger)
            let scheme = tlsContext == nil ? "http" : "https"
            let application = HavenServer.application(
                services: services, host: self.host, port: self.port,
                server: tlsContext.map { .http1OpenSSL(context: $0) } ?? .http1(), overTLS: tlsContext != nil,
                logger: logger
            ) { channel in
                let port = channel.localAddress?.port ?? self.port
                announce("Haven is listening on \(scheme)://\(self.host):\(port)/ (Ctrl-C stops it)")
            }
            var lifecycle: [any Service] = [
                application, MailDelivery(outbox: outbox),
                PeriodicJob(name: "purged document versions past retention", unit: "versions", interval: .seconds(3_600), logger: logger) {
                    try await services.documents.purge()
                },
                PeriodicJob(name: "queued digests", unit: "digests", interval: .seconds(900), logger: logger) {
                    try await services.digests.sendDue()
                },
            ]
            if let tlsContext { lifecycle.append(CertificateReloader(context: tlsContext, logger: logger)) }
            let group = ServiceGroup(
                configuration: .init(services: lifecycle, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            )
            try await group.run()
        }
    }
}

/// Prints to standard output at once, even when it is a pipe or a file.
func announce(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
