/// All rows a statement returned, plus the number of rows it affected.
public struct PostgresRows: Sendable, RandomAccessCollection {
    let result: PostgresResult

    init(result: PostgresResult) { self.result = result }

    public var startIndex: Int { 0 }
    public var endIndex: Int { self.result.rowCount }
    public subscript(position: Int) -> PostgresRow { PostgresRow(result: self.result, index: position) }

    /// The result's columns (empty for statements that return no rows).
    public var columns: [PostgresColumn] { self.result.columns }

    /// Rows inserted, updated or deleted, or returned by a SELECT.
    public var affectedRows: Int { self.result.affectedRows }

    /// Decodes every row into a tuple.
    public func decode<each Value: PostgresDecodable>(_ types: (repeat each Value).Type) throws(PostgresError) -> [(repeat each Value)] {
        var decoded: [(repeat each Value)] = []
        decoded.reserveCapacity(self.count)
        for row in self {
            decoded.append(try row.decode(types))
        }
        return decoded
    }
}
