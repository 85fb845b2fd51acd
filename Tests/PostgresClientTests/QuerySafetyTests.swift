import HavenTesting
import PostgresClient
import Testing

@Suite struct QuerySafetyTests {
    @Test func interpolatedValuesBecomeParameters() {
        let name = "x"
        let query: PostgresQuery = "SELECT * FROM t WHERE a = \(name) AND b = \(42)"
        #expect(query.sql == "SELECT * FROM t WHERE a = $1 AND b = $2")
        #expect(query.binds.count == 2)
        #expect(query.binds.types == [.text, .int8])
    }

    @Test func sqlInjectionStringIsStoredVerbatim() async throws {
        try await TestDatabase.with { database in
            try await database.pool.withConnection { connection in
                try await connection.executeScript("CREATE TABLE notes (body text NOT NULL)")
                let hostile = "'); DROP TABLE notes; --\\ \" $1 \u{0000}".replacing("\u{0000}", with: "")
                try await connection.execute("INSERT INTO notes (body) VALUES (\(hostile))")
                let stored = try await connection.query("SELECT body FROM notes WHERE body = \(hostile)")
                #expect(stored.count == 1)
                #expect(try stored.first!.decode(column: 0, as: String.self) == hostile)
            }
        }
    }

    @Test func uniqueViolationSurfacesWithConstraintName() async throws {
        try await TestDatabase.with { database in
            try await database.pool.withConnection { connection in
                try await connection.executeScript("CREATE TABLE members (email text CONSTRAINT members_email_key UNIQUE)")
                try await connection.execute("INSERT INTO members (email) VALUES (\("a@example.org"))")
                await #expect {
                    try await connection.execute("INSERT INTO members (email) VALUES (\("a@example.org"))")
                } throws: { error in
                    guard case .server(let server) = error as? PostgresError else { return false }
                    return server.sqlState == .uniqueViolation && server.constraint == "members_email_key"
                        && server.table == "members" && server.detail?.contains("a@example.org") == true
                }
            }
        }
    }

    @Test func syntaxErrorIsATypedServerError() async throws {
        try await TestDatabase.with { database in
            await #expect {
                try await database.pool.query("SELEC 1")
            } throws: { error in
                (error as? PostgresError)?.sqlState == .syntaxError
            }
            // The connection is still usable afterwards.
            let one = try await database.pool.query("SELECT 1").first!.decode(column: 0, as: Int.self)
            #expect(one == 1)
        }
    }

    @Test func preparedStatementsAreCachedPerConnection() async throws {
        try await TestDatabase.with(maximumConnections: 1) { database in
            try await database.pool.withConnection { connection in
                for value in 0..<5 { try await connection.query("SELECT \(value) + 1") }
                try await connection.query("SELECT \(1) + 2")
                let count = try await connection.query("SELECT count(*) FROM pg_prepared_statements").first!
                    .decode(column: 0, as: Int.self)
                // "SELECT $1 + 1", "SELECT $1 + 2", and this count query itself.
                #expect(count == 3)
            }
        }
    }
}
