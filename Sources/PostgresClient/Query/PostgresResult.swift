import CLibPQ

/// Owns one libpq result (`PGresult`), freed when the last row referring to it goes.
/// A result is immutable once received, so reading it from any thread is safe.
final class PostgresResult: @unchecked Sendable {
    let pointer: OpaquePointer
    let rowCount: Int
    let columns: [PostgresColumn]

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
        self.rowCount = Int(PQntuples(pointer))
        self.columns = (0..<PQnfields(pointer)).map { index in
            PostgresColumn(
                name: PQfname(pointer, index).map { String(cString: $0) } ?? "?column?",
                type: PostgresDataType(oid: PQftype(pointer, index))
            )
        }
    }

    deinit { PQclear(self.pointer) }

    /// The number of rows the statement inserted, updated, deleted or returned (`PQcmdTuples`).
    var affectedRows: Int {
        PQcmdTuples(self.pointer).flatMap { Int(String(cString: $0)) } ?? 0
    }

    func isNull(row: Int, column: Int) -> Bool {
        PQgetisnull(self.pointer, Int32(row), Int32(column)) == 1
    }

    /// A value's bytes; valid while this result lives (the row holding it keeps it alive).
    func bytes(row: Int, column: Int) -> UnsafeRawBufferPointer {
        let length = Int(PQgetlength(self.pointer, Int32(row), Int32(column)))
        let value = PQgetvalue(self.pointer, Int32(row), Int32(column))
        return UnsafeRawBufferPointer(start: value, count: length)
    }
}

/// A result column's name and type.
public struct PostgresColumn: Sendable, Hashable {
    public var name: String
    public var type: PostgresDataType
}
