import CLibPQ

/// Owns one libpq result (`PGresult`), freed when the last row referring to it goes.
/// A result is immutable once received, so reading it from any thread is safe.
final class PostgresResult: @unchecked Sendable {
    let pointer: OpaquePointer
    let rowCount: Int
    let columnCount: Int

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
        self.rowCount = Int(PQntuples(pointer))
        self.columnCount = Int(PQnfields(pointer))
    }

    /// Column names and types; built on demand, as decoding by position needs only the type.
    var columns: [PostgresColumn] {
        (0..<self.columnCount).map { PostgresColumn(name: self.columnName(at: $0), type: self.columnType(at: $0)) }
    }

    func columnName(at index: Int) -> String {
        PQfname(self.pointer, Int32(index)).map { String(cString: $0) } ?? "?column?"
    }

    func columnType(at index: Int) -> PostgresDataType {
        PostgresDataType(oid: PQftype(self.pointer, Int32(index)))
    }

    /// The position of the first column named `name`.
    func columnIndex(named name: String) -> Int? {
        let index = Int(PQfnumber(self.pointer, "\"\(name.replacing("\"", with: "\"\""))\""))
        return index >= 0 ? index : nil
    }

    deinit { PQclear(self.pointer) }

    /// The number of rows the statement inserted, updated, deleted or returned (`PQcmdTuples`).
    var affectedRows: Int {
        PQcmdTuples(self.pointer).flatMap { Int(String(cString: $0)) } ?? 0
    }

    /// The command tag, e.g. `COMMIT`, `INSERT 0 1`.
    var commandTag: String { String(cString: PQcmdStatus(self.pointer)) }

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
