import Foundation
import HavenAPI
import HavenCore
import HavenSchema
import Hummingbird
import Logging
import NIOCore
import OpenSSLTLS
import PasswordHashing

/// Haven's HTTP application served over real TLS on a free port of 127.0.0.1 for the duration
/// of a test.
public struct TestServer: Sendable {
    /// `https://localhost:<port>`.
    public let baseURL: URL
    public let services: HavenServices
    /// The server's TLS context (its certificate is `TestCertificate.files.certificate`).
    public let tls: TLSContext

    /// A client for this server that trusts its certificate.
    public var client: HTTPProbe { HTTPProbe(baseURL: self.baseURL, trusting: TestCertificate.files.certificate) }

    /// Boots the app on `database`, runs `body`, then shuts the server down gracefully.
    public static func with<Result: Sendable>(
        database: TestDatabase,
        accounts configuration: AccountsConfiguration = AccountsConfiguration(),
        forums: ForumsConfiguration = ForumsConfiguration(),
        documents: DocumentsConfiguration = DocumentsConfiguration(),
        documentKeys: MasterKeyring = TestServices.documentKeys,
        retention: RetentionPolicy = RetentionPolicy(),
        exports: DataExportsConfiguration = DataExportsConfiguration(),
        hashing: PasswordHashingPool? = nil,
        logger: Logger = TestCluster.logger,
        _ body: @Sendable (TestServer) async throws -> Result
    ) async throws -> Result {
        let services = HavenServices(
            pool: database.pool, migrator: try HavenSchema.migrator(),
            accounts: Accounts(
                pool: database.pool, hashing: try hashing ?? TestServices.hashing, secret: TestServices.secret, configuration: configuration,
                logger: logger
            ),
            forums: forums, documentKeys: documentKeys, documents: documents, retention: retention, exports: exports
        )
        let tls = try TestCertificate.serverContext()
        return try await LiveServer.serving(
            { onServerRunning in
                HavenServer.application(
                    services: services, host: "127.0.0.1", port: 0, server: .http1OpenSSL(context: tls), overTLS: true,
                    logger: logger, onServerRunning: onServerRunning
                )
            },
            logger: logger
        ) { port in
            try await body(TestServer(baseURL: URL(string: "https://localhost:\(port)")!, services: services, tls: tls))
        }
    }
}
