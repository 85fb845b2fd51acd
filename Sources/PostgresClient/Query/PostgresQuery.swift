/// A SQL statement and its bound parameters.
///
/// Written as a string literal, every interpolated value becomes a parameter, never SQL text:
/// ```swift
/// let rows = try await connection.query("SELECT name FROM accounts WHERE id = \(id)")
/// // sent as "SELECT name FROM accounts WHERE id = $1" with id bound to $1
/// ```
/// SQL built at run time must say so with `init(unsafeSQL:binds:)`, which stands out in review.
public struct PostgresQuery: Sendable, Hashable, ExpressibleByStringInterpolation {
    public var sql: String
    public var binds: PostgresBindings

    /// A statement whose SQL is not a literal. Never put untrusted text in `unsafeSQL`.
    public init(unsafeSQL: String, binds: PostgresBindings = PostgresBindings()) {
        self.sql = unsafeSQL
        self.binds = binds
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(unsafeSQL: stringInterpolation.sql, binds: stringInterpolation.binds)
    }

    /// Builds SQL from literal segments and `$n` placeholders for interpolated values.
    public struct StringInterpolation: StringInterpolationProtocol {
        var sql: String
        var binds = PostgresBindings()

        public init(literalCapacity: Int, interpolationCount: Int) {
            self.sql = ""
            self.sql.reserveCapacity(literalCapacity + 3 * interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            self.sql.append(literal)
        }

        /// Binds `value` as the next parameter.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            self.binds.append(value)
            self.sql.append("$\(self.binds.count)")
        }

        /// Binds `value`, or NULL when it is nil.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            self.binds.append(value)
            self.sql.append("$\(self.binds.count)")
        }

        /// Splices a fragment of SQL written in the source (a shared column list, say). Only a
        /// `StaticString` is accepted, so nothing built at run time can reach the SQL text.
        public mutating func appendInterpolation(fragment: StaticString) {
            self.sql.append(fragment.description)
        }
    }
}
