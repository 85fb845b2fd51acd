import HavenCore
import HavenSchema
import PasswordHashing
import PostgresClient

extension HavenConfiguration {
    /// Runs `body` with the accounts service over a one-connection pool to a migrated database.
    func withAccounts(publicURL: String, _ body: (Accounts) async throws -> Void) async throws {
        let logger = self.makeLogger(label: "haven.admin")
        try await self.withPool(size: 1, logger: logger) { pool in
            try await HavenSchema.migrator().verify(on: pool)
            let hashing = try self.hashingPool()
            defer { hashing.shutdown() }
            try await body(Accounts(
                pool: pool, hashing: hashing, secret: try self.serverSecret(logger: logger),
                configuration: self.accountsConfiguration(publicURL: publicURL), logger: logger
            ))
        }
    }
}
