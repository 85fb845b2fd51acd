import Foundation
import HavenTesting
import PostgresClient
import Testing

@Suite struct PoolTests {
    @Test func twoHundredConcurrentQueriesThroughAPoolOfEight() async throws {
        // Correctness, not latency: the last of 192 waiters waits for 24 rounds of queries, which
        // on a CI machine busy with the rest of the suite can exceed the default 10 s.
        try await TestDatabase.with(maximumConnections: 8, acquireTimeout: .seconds(120)) { database in
            let pool = database.pool
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        try await pool.query("SELECT \(index) * 2, pg_sleep(0.001)").first!.decode(column: 0, as: Int.self)
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(results.sorted() == (0..<200).map { $0 * 2 })
            let statistics = pool.statistics
            #expect(statistics.open <= 8)
            #expect(statistics.inUse == 0)
            #expect(statistics.waiting == 0)
        }
    }

    @Test func acquireTimesOutWhenEveryConnectionIsBusy() async throws {
        let database = try await TestCluster.shared.configuration()
        let pool = try PostgresPool(configuration: .init(connection: database, maximumConnections: 1, acquireTimeout: .milliseconds(200)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pool.query("SELECT pg_sleep(1.5)") }
            try await Task.sleep(for: .milliseconds(300))
            await #expect(throws: PostgresError.acquireTimeout(.milliseconds(200))) {
                try await pool.query("SELECT 1")
            }
            try await group.waitForAll()
        }
        // The pool is healthy again once the slow query is done.
        #expect(try await pool.query("SELECT 7").first!.decode(column: 0, as: Int.self) == 7)
        await pool.shutdown()
    }

    @Test func shutDownPoolRefusesWork() async throws {
        let database = try await TestCluster.shared.configuration()
        let pool = try PostgresPool(configuration: .init(connection: database, maximumConnections: 2))
        try await pool.query("SELECT 1")
        await pool.shutdown()
        await #expect(throws: PostgresError.poolShutDown) { try await pool.query("SELECT 1") }
    }

    @Test func badCredentialsFailWithTheServersReason() async throws {
        let url = try await TestCluster.shared.tcpURL().replacing("postgres:", with: "postgres:wrong")
        let pool = try PostgresPool(configuration: .init(connection: try PostgresConfiguration(url: url)))
        await #expect {
            try await pool.query("SELECT 1")
        } throws: { error in
            guard case .connectionFailed(let message) = error as? PostgresError else { return false }
            return message.contains("password authentication failed")
        }
        await pool.shutdown()
    }

    @Test func sslModeFromTheURLIsHonoured() async throws {
        // The test server has no TLS: a URL that requires it must fail, not fall back to plain text.
        let url = try await TestCluster.shared.tcpURL().replacing("sslmode=disable", with: "sslmode=require")
        let pool = try PostgresPool(configuration: .init(connection: try PostgresConfiguration(url: url)))
        await #expect {
            try await pool.query("SELECT 1")
        } throws: { error in
            guard case .connectionFailed(let message) = error as? PostgresError else { return false }
            return message.contains("SSL")
        }
        await pool.shutdown()
        // The same URL with sslmode=prefer connects in plain text.
        let preferring = try PostgresPool(configuration: .init(connection: try PostgresConfiguration(url: url.replacing("require", with: "prefer"))))
        let one = try await preferring.query("SELECT 1").first!.decode(column: 0, as: Int.self)
        #expect(one == 1)
        await preferring.shutdown()
    }

    @Test func malformedURLIsRefusedBeforeConnecting() {
        #expect(throws: PostgresError.self) { try PostgresConfiguration(url: "postgresql://host:notaport:/db?=") }
        #expect(throws: PostgresError.self) { try PostgresConfiguration(url: "postgresql://h/db?nosuchoption=1") }
    }

    @Test func configurationDescriptionHidesThePassword() throws {
        let configuration = try PostgresConfiguration(url: "postgresql://haven:s3cret@db.example:5433/haven?sslmode=verify-full")
        #expect(configuration["sslmode"] == "verify-full")
        #expect(configuration["port"] == "5433")
        #expect(!configuration.description.contains("s3cret"))
    }

    @Test func poolRecoversAfterTheServerRestarts() async throws {
        // A cluster of this test's own: restarting the shared one would disturb other tests.
        let folder = URL(filePath: NSTemporaryDirectory()).appending(path: "haven-restart-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cluster = EmbeddedPostgres(directory: folder, settings: ["fsync": "off"])
        try await cluster.start()
        let pool = try PostgresPool(configuration: .init(connection: cluster.configuration(), maximumConnections: 4))
        do {
            // Fill the pool with connections that the restart will break.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 { group.addTask { try await pool.query("SELECT pg_sleep(0.05)") } }
                try await group.waitForAll()
            }
            let before = try await pool.query("SELECT pg_backend_pid()").first!.decode(column: 0, as: Int.self)
            try await cluster.stop()
            #expect(cluster.runningPID == nil)
            try await cluster.start()
            // No app restart: the next queries get fresh connections.
            for _ in 0..<8 {
                #expect(try await pool.query("SELECT 1").first!.decode(column: 0, as: Int.self) == 1)
            }
            let after = try await pool.query("SELECT pg_backend_pid()").first!.decode(column: 0, as: Int.self)
            #expect(after != before)
        } catch {
            await pool.shutdown()
            try? await cluster.stop()
            throw error
        }
        await pool.shutdown()
        try await cluster.stop()
    }

    @Test func queryOnABrokenConnectionFailsAsConnectionLossAndThePoolHeals() async throws {
        try await TestDatabase.with(maximumConnections: 1) { database in
            let pool = database.pool
            let pid = try await pool.query("SELECT pg_backend_pid()").first!.decode(column: 0, as: Int.self)
            // Another session terminates ours, as a server restart or an administrator would.
            let admin = try PostgresPool(configuration: .init(connection: database.configuration, maximumConnections: 1))
            try await admin.query("SELECT pg_terminate_backend(\(Int32(pid)))")
            await admin.shutdown()
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await pool.query("SELECT 2").first!.decode(column: 0, as: Int.self) == 2)
        }
    }
}
