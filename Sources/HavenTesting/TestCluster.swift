import Foundation
import HavenSchema
import Logging
import NIOConcurrencyHelpers
import PostgresClient

/// The one embedded PostgreSQL of a test process, started on first use, with a database
/// `haven_template` migrated once that every test database is cloned from.
///
/// It listens on its Unix socket and on 127.0.0.1 (for tests of URL configuration), tuned for
/// speed over durability. It is stopped when the process exits; a watchdog process stops it
/// if the test process dies without exiting cleanly.
public enum TestCluster {
    /// The migrated database every test database is cloned from. Never connect to it: CREATE
    /// DATABASE … TEMPLATE fails while anyone is connected.
    public static let templateDatabase = "haven_template"

    /// The running cluster; starts it on first use.
    public static var shared: EmbeddedPostgres {
        get async throws { try await self.startup.value }
    }

    /// A pool on the `postgres` database for creating and dropping test databases.
    static var admin: PostgresPool {
        get async throws {
            let cluster = try await self.shared
            return try self.adminPool.withLockedValue { pool in
                if let pool { return pool }
                // Every test creates and drops a database through it, many at once.
                let created = try PostgresPool(
                    configuration: .init(connection: cluster.configuration(), maximumConnections: 6, acquireTimeout: .seconds(120)),
                    logger: self.logger
                )
                pool = created
                return created
            }
        }
    }

    public static let logger: Logger = {
        var logger = Logger(label: "haven.test")
        logger.logLevel = ProcessInfo.processInfo.environment["HAVEN_TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        return logger
    }()

    private static let adminPool = NIOLockedValueBox<PostgresPool?>(nil)

    private static let startup = Task<EmbeddedPostgres, any Error> {
        let folder = URL(filePath: NSTemporaryDirectory()).appending(path: "haven-test-\(getpid())-\(UUID().uuidString.prefix(8))")
        let cluster = EmbeddedPostgres(
            directory: folder,
            port: try FreePort.find(),
            listenOnTCP: true,
            settings: [
                "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
                "max_connections": "400", "shared_buffers": "64MB",
            ]
        )
        try await cluster.start(logger: logger)
        guard let pid = cluster.runningPID else { throw EmbeddedPostgresError.setupFailed("no PID after start") }
        ClusterReaper.register(pid: pid, folder: folder)

        let admin = try PostgresPool(configuration: .init(connection: cluster.configuration(), maximumConnections: 1), logger: logger)
        try await admin.execute(PostgresQuery(unsafeSQL: "CREATE DATABASE \(templateDatabase)"))
        await admin.shutdown()
        let template = try PostgresPool(
            configuration: .init(connection: cluster.configuration(database: templateDatabase), maximumConnections: 1),
            logger: logger
        )
        do {
            try await HavenSchema.migrator().migrate(on: template)
        } catch {
            await template.shutdown()
            throw error
        }
        await template.shutdown()
        return cluster
    }
}
