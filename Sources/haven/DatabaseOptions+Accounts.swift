import HavenCore
import HavenSchema
import PasswordHashing
import PostgresClient

extension DatabaseOptions {
    /// Runs `body` with the accounts service over a one-connection pool to a migrated database.
    func withAccounts(secrets: SecretOptions, publicURL: String, _ body: (Accounts) async throws -> Void) async throws {
        let logger = self.makeLogger(label: "haven.admin")
        try await self.withPool(size: 1, logger: logger) { pool in
            try await HavenSchema.migrator().verify(on: pool)
            let hashing = try secrets.hashingPool()
            defer { hashing.shutdown() }
            try await body(Accounts(
                pool: pool, hashing: hashing, secret: try secrets.serverSecret(dataFolder: try self.dataFolder(), logger: logger),
                configuration: secrets.accountsConfiguration(publicURL: publicURL), logger: logger
            ))
        }
    }
}
