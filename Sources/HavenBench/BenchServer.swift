import Foundation
import HavenAPI
import HavenCore
import HavenSchema
import HavenTesting
import Logging
import OpenSSLTLS
import PostgresClient

/// Haven's application over HTTPS on a free port of 127.0.0.1, with a fresh development
/// certificate in `work`, for as long as `body` runs.
enum BenchServer {
    static func serving<Result: Sendable>(
        _ services: HavenServices, work: URL, _ body: (_ port: Int) async throws -> Result
    ) async throws -> Result {
        let certificate = work.appending(path: "cert.pem").path
        let key = work.appending(path: "key.pem").path
        try DevelopmentCertificate.create(certificatePath: certificate, keyPath: key)
        let tls = try TLSContext(configuration: TLSConfiguration(certificateChainPath: certificate, privateKeyPath: key))
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        return try await LiveServer.serving(
            { onServerRunning in
                HavenServer.application(
                    services: services, host: "127.0.0.1", port: 0, server: .http1OpenSSL(context: tls), overTLS: true,
                    logger: logger, onServerRunning: onServerRunning
                )
            },
            logger: logger,
            body
        )
    }
}

extension Accounts {
    /// A member signed in for the benchmark: their session's token is what the load carries.
    func benchMember(_ email: String, password: String = "a long and unusual measuring passphrase") async throws -> NewSession {
        let (_, token) = try await self.invite(email: email, role: .member, by: nil)
        return try await self.acceptInvitation(
            token: token.text, displayName: "Bench", password: password, client: ClientInfo(userAgent: "bench", address: "127.0.0.1")
        )
    }
}

extension EmbeddedPostgres {
    /// A fresh database `name` with Haven's schema, and a pool of `connections` to it.
    func migratedDatabase(_ name: StaticString, connections: Int = 8) async throws -> PostgresPool {
        let admin = try PostgresPool(configuration: .init(connection: self.configuration(), maximumConnections: 1))
        _ = try? await admin.execute(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name)"))
        try await admin.execute(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        await admin.shutdown()
        let pool = try PostgresPool(configuration: .init(connection: self.configuration(database: "\(name)"), maximumConnections: connections))
        try await HavenSchema.migrator().migrate(on: pool)
        return pool
    }
}
