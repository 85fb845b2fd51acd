import HavenTesting
import PostgresClient
import Testing

struct Boom: Error {}

@Suite struct TransactionTests {
    @Test func transactionThatThrowsRollsBack() async throws {
        try await TestDatabase.with { database in
            let pool = database.pool
            try await pool.execute("CREATE TABLE ledger (amount bigint NOT NULL)")
            await #expect(throws: Boom.self) {
                try await pool.withTransaction { connection in
                    try await connection.execute("INSERT INTO ledger (amount) VALUES (\(100))")
                    throw Boom()
                }
            }
            #expect(try await pool.query("SELECT count(*) FROM ledger").first!.decode(column: 0, as: Int.self) == 0)
            try await pool.withTransaction { connection in
                try await connection.execute("INSERT INTO ledger (amount) VALUES (\(5))")
            }
            #expect(try await pool.query("SELECT sum(amount)::bigint FROM ledger").first!.decode(column: 0, as: Int.self) == 5)
        }
    }

    @Test func commitOfAFailedTransactionIsReportedNotSilentlyRolledBack() async throws {
        try await TestDatabase.with { database in
            let pool = database.pool
            try await pool.execute("CREATE TABLE ledger (amount bigint NOT NULL)")
            await #expect(throws: PostgresError.transactionRolledBack) {
                try await pool.withTransaction { connection in
                    try await connection.execute("INSERT INTO ledger (amount) VALUES (\(1))")
                    // A statement fails, and the body swallows the error.
                    _ = try? await connection.query("SELECT 1/0")
                }
            }
            #expect(try await pool.query("SELECT count(*) FROM ledger").first!.decode(column: 0, as: Int.self) == 0)
        }
    }

    @Test func connectionLeftInATransactionIsCleanedBeforeReuse() async throws {
        try await TestDatabase.with(maximumConnections: 1) { database in
            let pool = database.pool
            try await pool.execute("CREATE TABLE t (v bigint)")
            try await pool.withConnection { connection in
                try await connection.executeScript("BEGIN")
                try await connection.execute("INSERT INTO t VALUES (\(1))")
            }
            try await pool.withConnection { connection in
                #expect(connection.transactionStatus == .idle)
                let count = try await connection.query("SELECT count(*) FROM t").first!.decode(column: 0, as: Int.self)
                #expect(count == 0)
            }
        }
    }

    @Test func serializationFailuresAreRetried() async throws {
        try await TestDatabase.with { database in
            let pool = database.pool
            try await pool.execute("CREATE TABLE counter (n bigint NOT NULL)")
            try await pool.execute("INSERT INTO counter VALUES (0)")
            // Concurrent read-modify-write under SERIALIZABLE conflicts; the helper retries until
            // every increment lands exactly once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await pool.withSerializableRetry(maxAttempts: 50) { connection in
                            let n = try await connection.query("SELECT n FROM counter").first!.decode(column: 0, as: Int.self)
                            try await Task.sleep(for: .milliseconds(5))
                            try await connection.execute("UPDATE counter SET n = \(n + 1)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await pool.query("SELECT n FROM counter").first!.decode(column: 0, as: Int.self) == 8)
        }
    }
}
