/// The fields of an error the server reported, as libpq exposes them, so the domain can map
/// (for example) a unique violation on a named constraint to "already exists".
public struct PostgresServerError: Sendable, Equatable, CustomStringConvertible {
    public var sqlState: SQLState
    public var severity: String
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    public var schema: String?

    public init(
        sqlState: SQLState, severity: String, message: String, detail: String? = nil, hint: String? = nil,
        constraint: String? = nil, table: String? = nil, column: String? = nil, schema: String? = nil
    ) {
        self.sqlState = sqlState
        self.severity = severity
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.schema = schema
    }

    public var description: String {
        var text = "\(self.severity) \(self.sqlState.code): \(self.message)"
        if let detail { text += " (\(detail))" }
        if let constraint { text += " [constraint \(constraint)]" }
        return text
    }
}
