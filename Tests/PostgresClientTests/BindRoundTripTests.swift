import Foundation
import HavenTesting
import NIOCore
import PostgresClient
import Testing

@Suite struct BindRoundTripTests {
    /// Binds a value and reads it back unchanged, through a column of the given SQL type.
    func roundTrip<Value: PostgresEncodable & PostgresDecodable & Equatable>(
        _ value: Value, as sqlType: String, in pool: PostgresPool
    ) async throws -> Value {
        try await pool.withConnection { connection in
            try await connection.executeScript("CREATE TEMP TABLE IF NOT EXISTS t (v \(sqlType))")
            try await connection.execute("INSERT INTO t (v) VALUES (\(value))")
            let stored = try await connection.query("SELECT v FROM t").first!.decode(column: 0, as: Value.self)
            try await connection.executeScript("DROP TABLE t")
            return stored
        }
    }

    @Test func everySupportedTypeRoundTrips() async throws {
        try await TestDatabase.with { database in
            let pool = database.pool
            for value in [0, 1, -1, Int.max, Int.min] { #expect(try await roundTrip(value, as: "bigint", in: pool) == value) }
            #expect(try await roundTrip(Int64.min, as: "bigint", in: pool) == Int64.min)
            #expect(try await roundTrip(Int32.max, as: "integer", in: pool) == Int32.max)
            #expect(try await roundTrip(Int16.min, as: "smallint", in: pool) == Int16.min)
            #expect(try await roundTrip(true, as: "boolean", in: pool) == true)
            #expect(try await roundTrip(false, as: "boolean", in: pool) == false)
            #expect(try await roundTrip(3.141592653589793, as: "double precision", in: pool) == 3.141592653589793)
            #expect(try await roundTrip(-0.0, as: "double precision", in: pool) == -0.0)
            #expect(try await roundTrip(Double.infinity, as: "double precision", in: pool) == .infinity)
            #expect(try await roundTrip(Float(1.5), as: "real", in: pool) == 1.5)
            #expect(try await roundTrip("", as: "text", in: pool) == "")
            let unicode = "مرحبا · 你好 · Привет · ¡Hola! · Bonjour · 👩🏽‍⚖️ \u{0301}"
            #expect(try await roundTrip(unicode, as: "text", in: pool) == unicode)
            let id = UUID()
            #expect(try await roundTrip(id, as: "uuid", in: pool) == id)
            let date = Date(timeIntervalSince1970: 1_790_000_000.123456)
            let storedDate = try await roundTrip(date, as: "timestamptz", in: pool)
            #expect(abs(storedDate.timeIntervalSince(date)) < 0.000_001)
            #expect(try await roundTrip(Date.distantFuture, as: "timestamptz", in: pool) == .distantFuture)
            let megabyte = (0..<1_048_576).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            #expect(try await roundTrip(megabyte, as: "bytea", in: pool) == megabyte)
            #expect(try await roundTrip([UInt8](), as: "bytea", in: pool) == [])
            #expect(try await roundTrip(ByteBuffer(bytes: [0, 1, 255]), as: "bytea", in: pool) == ByteBuffer(bytes: [0, 1, 255]))
            #expect(try await roundTrip([1, 2, 3], as: "bigint[]", in: pool) == [1, 2, 3])
            #expect(try await roundTrip([Int](), as: "bigint[]", in: pool) == [])
            #expect(try await roundTrip(["a", "", "ü"], as: "text[]", in: pool) == ["a", "", "ü"])
            #expect(try await roundTrip([id, UUID()].prefix(1).map { $0 }, as: "uuid[]", in: pool) == [id])
            #expect(try await roundTrip([true, false], as: "boolean[]", in: pool) == [true, false])
            #expect(try await roundTrip([1.5, -2.25], as: "double precision[]", in: pool) == [1.5, -2.25])
            #expect(try await roundTrip([Optional(1), nil, 3], as: "bigint[]", in: pool) == [1, nil, 3])
        }
    }

    @Test func nullBindsAndDecodesAsNil() async throws {
        try await TestDatabase.with { database in
            let missing: String? = nil
            let row = try await database.pool.query("SELECT \(missing)::text, \(Optional(5))::bigint").first!
            #expect(try row.decode(column: 0, as: String?.self) == nil)
            #expect(try row.decode(column: 1, as: Int?.self) == 5)
            #expect(try await roundTrip(Optional<Int>.none, as: "bigint", in: database.pool) == nil)
        }
    }

    @Test func tupleDecodingReadsColumnsInOrder() async throws {
        try await TestDatabase.with { database in
            let rows = try await database.pool.query("SELECT n, 'row ' || n, n % 2 = 0 FROM generate_series(1, 3) AS n")
            let decoded = try rows.decode((Int, String, Bool).self)
            #expect(decoded.map(\.0) == [1, 2, 3])
            #expect(decoded.map(\.1) == ["row 1", "row 2", "row 3"])
            #expect(decoded.map(\.2) == [false, true, false])
        }
    }

    @Test func decodingMismatchNamesTheColumnAndTypes() async throws {
        try await TestDatabase.with { database in
            let row = try await database.pool.query("SELECT 'text' AS title, NULL::bigint AS size").first!
            #expect {
                _ = try row.decode(column: "title", as: Int.self)
            } throws: { error in
                guard case .decoding(let failure) = error as? PostgresError else { return false }
                return failure.column == "title" && failure.failure == .typeMismatch
                    && failure.description.contains("text") && failure.description.contains("Int")
            }
            #expect {
                _ = try row.decode(column: "size", as: Int.self)
            } throws: { error in
                guard case .decoding(let failure) = error as? PostgresError else { return false }
                return failure.column == "size" && failure.failure == .unexpectedNull
            }
        }
    }

    @Test func integerThatDoesNotFitIsRefused() async throws {
        try await TestDatabase.with { database in
            let row = try await database.pool.query("SELECT 100000::integer").first!
            #expect(throws: PostgresError.self) { try row.decode(column: 0, as: Int16.self) }
            #expect(try row.decode(column: 0, as: Int.self) == 100_000)
        }
    }
}
