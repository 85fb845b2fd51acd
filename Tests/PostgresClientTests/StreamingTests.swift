import HavenTesting
import PostgresClient
import Testing

@Suite struct StreamingTests {
    @Test func largeResultStreamsRowByRow() async throws {
        try await TestDatabase.with { database in
            try await database.pool.withConnection { connection in
                var count = 0
                var sum = 0
                try await connection.stream("SELECT n FROM generate_series(1, \(100_000)) AS n") { row in
                    count += 1
                    sum += try row.decode(column: 0, as: Int.self)
                }
                #expect(count == 100_000)
                #expect(sum == 100_000 * 100_001 / 2)
                // The connection is usable afterwards.
                #expect(try await connection.query("SELECT 1").count == 1)
            }
        }
    }

    @Test func streamedConnectionGoesBackToThePoolHealthy() async throws {
        try await TestDatabase.with(maximumConnections: 1) { database in
            let pool = database.pool
            let before = try await pool.query("SELECT pg_backend_pid()").first!.decode(column: 0, as: Int.self)
            try await pool.withConnection { connection in
                try await connection.stream("SELECT n FROM generate_series(1, 20000) AS n") { _ in }
            }
            let after = try await pool.query("SELECT pg_backend_pid()").first!.decode(column: 0, as: Int.self)
            #expect(after == before, "a stream must not make the pool throw its connection away")
        }
    }

    @Test func abandoningAStreamCancelsItAndKeepsTheConnectionUsable() async throws {
        try await TestDatabase.with(maximumConnections: 1) { database in
            try await database.pool.withConnection { connection in
                var seen = 0
                await #expect(throws: Boom.self) {
                    try await connection.stream("SELECT n FROM generate_series(1, 10000000) AS n") { _ in
                        seen += 1
                        if seen == 10 { throw Boom() }
                    }
                }
                #expect(seen == 10)
                let answer = try await connection.query("SELECT 42").first!.decode(column: 0, as: Int.self)
                #expect(answer == 42)
            }
        }
    }

    @Test func serverErrorMidStreamIsThrown() async throws {
        try await TestDatabase.with { database in
            try await database.pool.withConnection { connection in
                await #expect {
                    try await connection.stream("SELECT 10 / (5 - n) FROM generate_series(1, 10) AS n", { _ in })
                } throws: { error in
                    (error as? PostgresError)?.sqlState == SQLState("22012")
                }
                let rows = try await connection.query("SELECT 1")
                #expect(rows.count == 1)
            }
        }
    }

    @Test func byteaMovesInChunksWithoutHoldingTheWhole() async throws {
        // A 64 MiB "document" written as 1 MiB chunks and read back row by row: neither side
        // ever holds more than a chunk or two.
        try await TestDatabase.with { database in
            let pool = database.pool
            try await pool.execute("CREATE TABLE chunks (document integer, position integer, data bytea, PRIMARY KEY (document, position))")
            let chunkSize = 1 << 20
            for position in 0..<64 {
                let chunk = [UInt8](repeating: UInt8(position), count: chunkSize)
                try await pool.execute("INSERT INTO chunks VALUES (1, \(position), \(chunk))")
            }
            var positions: [Int] = []
            var total = 0
            try await pool.withConnection { connection in
                try await connection.stream("SELECT position, data FROM chunks WHERE document = 1 ORDER BY position", batchSize: 2) { row in
                    let (position, data) = try row.decode((Int, [UInt8]).self)
                    #expect(data.count == chunkSize && data.allSatisfy { $0 == UInt8(position) })
                    positions.append(position)
                    total += data.count
                }
            }
            #expect(positions == Array(0..<64))
            #expect(total == 64 * chunkSize)
        }
    }
}
