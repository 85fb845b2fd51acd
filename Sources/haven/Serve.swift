import ArgumentParser
import Configuration
import Foundation
import HavenAPI
import HavenCore
import HavenSchema
import Hummingbird
import Logging
import Metrics
import OpenSSLTLS
import PasswordHashing
import PostgresClient
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `haven serve`: run the HTTP server until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve Haven over HTTPS (plain HTTP only with --insecure-http).",
        discussion: """
            Settings come from these flags, then HAVEN_… environment variables, then the --config file \
            (`haven config check` lists every key). Refuses to start when the database has an unknown or \
            changed migration, or pending ones (unless --migrate). SIGTERM drains requests in flight and \
            exits 0; SIGHUP reloads the TLS certificate and key.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @OptionGroup var serving: ServeOptions

    @OptionGroup var tls: TLSOptions

    @OptionGroup var secrets: SecretOptions

    @OptionGroup var mail: MailOptions

    @OptionGroup var retention: RetentionOptions

    @Flag(help: "Apply pending migrations before serving.")
    var migrate = false

    @Option(
        name: .customLong("bootstrap-admin"),
        help: ArgumentHelp("On an empty installation, invite this address as the first administrator and print the one-time token.", valueName: "email")
    )
    var bootstrapAdmin: String?

    func run() async throws {
        let configuration = try await self.database.configuration(self.serving, self.tls, self.secrets, self.mail, self.retention)
        do { try configuration.checkServable() } catch { throw ValidationFailure(error) }
        Allocator.limitArenas()
        configuration.bootstrapLogging()
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(MetricsCollector.factory(registry: registry))
        let logger = configuration.makeLogger(label: "haven")
        let migrator = try HavenSchema.migrator()
        try await configuration.withPool(size: configuration.poolSize, logger: logger) { pool in
            if self.migrate {
                let applied = try await migrator.migrate(on: pool)
                if !applied.isEmpty { logger.info("applied migrations", metadata: ["migrations": "\(applied)"]) }
            }
            try await migrator.verify(on: pool)
            let publicURL = configuration.effectivePublicURL
            let outbox = MailOutbox(
                pool: pool, transport: try configuration.mailTransport(logger: logger), sender: configuration.mailSender,
                policy: configuration.mailPolicy, logger: logger
            )
            let secret = try configuration.serverSecret(logger: logger)
            let masterKeys = try configuration.masterKeys(logger: logger)
            try await InstallationKeys.verify(secret: secret, keys: masterKeys, pool: pool)
            let hashing = try configuration.hashingPool()
            defer { hashing.shutdown() }
            let accounts = Accounts(
                pool: pool, hashing: hashing, secret: secret,
                configuration: configuration.accountsConfiguration(publicURL: publicURL), logger: logger
            )
            var documents = DocumentsConfiguration()
            documents.virusScanner = configuration.clamd.map { VirusScanner(address: $0) }
            // A policy of "keep" leaves deleted documents for good (the retention job skips them).
            documents.retentionDays = configuration.retention.deletedDocuments ?? documents.retentionDays
            let services = HavenServices(
                pool: pool, migrator: migrator, accounts: accounts, documentKeys: masterKeys,
                documents: documents,
                notifications: NotificationsConfiguration(publicURL: publicURL, excerptsInMail: configuration.mail.excerpts),
                retention: configuration.retention,
                exports: DataExportsConfiguration(retentionDays: configuration.exportRetentionDays)
            )
            let bootstrapToken: SecretToken? = if let email = self.bootstrapAdmin { try await accounts.bootstrapInvitation(email: email) } else { nil }
            let tlsContext = try configuration.makeTLSContext(logger: logger)
            let application = HavenServer.application(
                services: services, host: configuration.host, port: configuration.port,
                server: .haven(tls: tlsContext, proxyProtocol: configuration.proxyProtocol), overTLS: tlsContext != nil,
                logger: logger
            ) { channel in
                let port = channel.localAddress?.port ?? configuration.port
                // JSON logs go to collectors: say where we listen there, and print the welcome only
                // when asked for a bootstrap token (use `haven admin create-admin` in production).
                guard configuration.logFormat == .text || bootstrapToken != nil else {
                    logger.info("listening", metadata: ["address": "\(configuration.host):\(port)"])
                    return
                }
                // Printed to the terminal once, never logged: the token is a credential.
                announce(
                    try? self.welcome(
                        configuration: configuration, port: port,
                        developmentCertificate: tlsContext != nil && configuration.tls.certificate == nil, bootstrapToken: bootstrapToken
                    )
                )
            }
            let collector = MetricsCollector(registry: registry, services: services, tlsContext: tlsContext, logger: logger)
            let metrics = MetricsServer.application(
                collector: collector,
                readiness: services.readiness, host: configuration.metricsHost, port: configuration.metricsPort, logger: logger
            ) { channel in
                logger.info("metrics listening", metadata: ["address": "\(configuration.metricsHost):\(channel.localAddress?.port ?? 0)"])
            }
            // Shut down in reverse order: stop being ready, drain HTTP, finish the mail in hand,
            // stop upkeep, and answer /metrics and /readyz until the very end.
            var lifecycle: [any Service] = [metrics]
            if let tlsContext { lifecycle.append(CertificateReloader(context: tlsContext, logger: logger)) }
            lifecycle += [
                // Every retention policy, deleted documents included; the counts feed
                // haven_retention_purged_total even when a purge failed.
                PeriodicJob(name: "purged records past retention", unit: "records", interval: .seconds(3_600), logger: logger) {
                    do {
                        let purged = try await services.retention.run(now: Date())
                        collector.recordRetention(purged)
                        return purged.values.reduce(0, +)
                    } catch let failure as RetentionFailure {
                        collector.recordRetention(failure.purged)
                        throw failure.error
                    }
                },
                PeriodicJob(name: "erased accounts past their deletion grace period", unit: "accounts", interval: .seconds(900), logger: logger) {
                    try await services.accounts.purgeDue(now: Date())
                },
                PeriodicJob(name: "queued digests", unit: "digests", interval: .seconds(900), logger: logger) {
                    try await services.digests.sendDue()
                },
                PeriodicJob(name: "consultation deadline reminders", unit: "consultations", interval: .seconds(900), logger: logger) {
                    try await services.consultations.sendReminders()
                },
                PeriodicJob(name: "prepared data exports", unit: "exports", interval: .seconds(60), logger: logger) {
                    try await services.exports.prepareDue()
                },
                PeriodicJob(name: "expired data exports", unit: "exports", interval: .seconds(3_600), logger: logger) {
                    try await services.exports.expireDue()
                },
                MailDelivery(outbox: outbox),
                application,
                ShutdownNotice(readiness: services.readiness, delay: .seconds(configuration.shutdownDelaySeconds), logger: logger),
            ]
            var groupConfiguration = ServiceGroupConfiguration(
                services: lifecycle.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
            )
            groupConfiguration.maximumGracefulShutdownDuration = .seconds(configuration.drainSeconds)
            groupConfiguration.maximumCancellationDuration = .seconds(5)
            let group = ServiceGroup(configuration: groupConfiguration)
            try await group.run()
            logger.info("stopped")
        }
    }

    /// What `make run` shows at the end of start-up: where Haven is, which certificate to trust,
    /// and how the first administrator gets in.
    func welcome(configuration: HavenConfiguration, port: Int, developmentCertificate: Bool, bootstrapToken: SecretToken?) throws -> String {
        let scheme = configuration.tls.insecureHTTP ? "http" : "https"
        let local = "\(scheme)://\(configuration.host == "127.0.0.1" || configuration.host == "::1" ? "localhost" : configuration.host):\(port)"
        var lines = ["", "Haven is listening on \(local)/ (Ctrl-C stops it)"]
        let certificate = try configuration.dataFolder().appending(path: "tls/dev-cert.pem").path
        if developmentCertificate {
            lines.append("Development certificate (trust it, e.g. curl --cacert): \(certificate)")
        }
        if let token = bootstrapToken, let email = self.bootstrapAdmin {
            lines += [
                "",
                "No accounts yet: \(email) is invited as the first administrator. This one-time token is shown only now:",
                "  \(token.text)",
                "Accept it within 7 days:",
                "  curl --cacert \(certificate) -H 'Content-Type: application/json' \\",
                "    -d '{\"token\": \"\(token.text)\", \"display_name\": \"Administrator\", \"password\": \"<at least 15 characters>\"}' \\",
                "    \(local)/invitations/accept",
                "then enrol two-factor authentication (POST /me/two-factor) before anything else.",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Prints to standard output at once, even when it is a pipe or a file.
func announce(_ text: String?) {
    guard let text else { return }
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
