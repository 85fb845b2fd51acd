/// One row of a query result, decoded on demand into Swift values.
public struct PostgresRow: Sendable {
    let result: PostgresResult
    let index: Int

    /// The row's columns, in order.
    public var columns: [PostgresColumn] { self.result.columns }

    /// Decodes the column at `index`.
    public func decode<Value: PostgresDecodable>(column index: Int, as: Value.Type = Value.self) throws(PostgresError) -> Value {
        guard index >= 0, index < self.result.columnCount else {
            throw .invalidArgument("column #\(index) does not exist; the row has \(self.result.columnCount)")
        }
        let type = self.result.columnType(at: index)
        do throws(PostgresDecodingFailure) {
            if self.result.isNull(row: self.index, column: index) {
                return try Value.decodeNull()
            }
            let raw = self.result.bytes(row: self.index, column: index)
            var bytes = PostgresBytes(raw)
            let value = try Value(from: &bytes, type: type)
            guard bytes.remaining == 0 else { throw PostgresDecodingFailure.malformed("\(bytes.remaining) bytes left over") }
            return value
        } catch {
            throw .decoding(PostgresDecodingError(
                column: self.result.columnName(at: index), columnIndex: index, postgresType: type,
                swiftType: String(describing: Value.self), failure: error
            ))
        }
    }

    /// Decodes the column named `name` (the first, if several share it).
    public func decode<Value: PostgresDecodable>(column name: String, as: Value.Type = Value.self) throws(PostgresError) -> Value {
        guard let index = self.result.columnIndex(named: name) else {
            throw .invalidArgument("column \"\(name)\" is not in the result")
        }
        return try self.decode(column: index, as: Value.self)
    }

    /// Decodes the leading columns into a tuple: `let (id, name) = try row.decode((Int, String).self)`;
    /// with `start`, the columns from that index on (one part of a join).
    public func decode<each Value: PostgresDecodable>(
        _: (repeat each Value).Type, startingAt start: Int = 0
    ) throws(PostgresError) -> (repeat each Value) {
        var index = start
        func next<V: PostgresDecodable>(_: V.Type) throws(PostgresError) -> V {
            defer { index += 1 }
            return try self.decode(column: index, as: V.self)
        }
        return (repeat try next((each Value).self))
    }
}
