import Foundation
import PostgresClient

/// A database of one test's own, cloned from the migrated template, dropped afterwards.
public struct TestDatabase: Sendable {
    public let name: String
    public let configuration: PostgresConfiguration
    public let pool: PostgresPool

    /// Runs `body` with a fresh database; tests run in parallel and never see each other's rows.
    /// - Parameters:
    ///   - maximumConnections: the pool size handed to `body`.
    ///   - acquireTimeout: how long a query may wait for a connection of that pool
    @discardableResult
    public static func with<Result>(
        maximumConnections: Int = 8,
        acquireTimeout: Duration = .seconds(10),
        _ body: (TestDatabase) async throws -> Result
    ) async throws -> Result {
        let cluster = try await TestCluster.shared
        let admin = try await TestCluster.admin
        let name = "test_" + UUID().uuidString.lowercased().replacing("-", with: "")
        // The name is generated above from hex digits only; CREATE DATABASE takes no parameters.
        try await admin.execute(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(TestCluster.templateDatabase)"))
        let configuration = cluster.configuration(database: name)
        let pool = try PostgresPool(
            configuration: .init(connection: configuration, maximumConnections: maximumConnections, acquireTimeout: acquireTimeout),
            logger: TestCluster.logger
        )
        let database = TestDatabase(name: name, configuration: configuration, pool: pool)
        let result: Result
        do {
            result = try await body(database)
        } catch {
            await database.drop(admin: admin)
            throw error
        }
        await database.drop(admin: admin)
        return result
    }

    /// A URL reaching this database over TCP with a password, as an operator would write one.
    public func tcpURL() async throws -> String {
        try await TestCluster.shared.tcpURL(database: self.name)
    }

    private func drop(admin: PostgresPool) async {
        await self.pool.shutdown()
        _ = try? await admin.execute(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(self.name) WITH (FORCE)"))
    }
}
