/// A Swift value that can be read from a PostgreSQL column in binary format.
public protocol PostgresDecodable: Sendable {
    /// Decodes a non-NULL value of the given type.
    /// - Parameters:
    ///   - bytes: the value's binary representation
    ///   - type: the column's PostgreSQL type
    /// - Throws: `PostgresDecodingFailure` when the type or bytes do not fit.
    init(from bytes: inout PostgresBytes, type: PostgresDataType) throws(PostgresDecodingFailure)

    /// Decodes a NULL value; only `Optional` accepts one.
    static func decodeNull() throws(PostgresDecodingFailure) -> Self
}

extension PostgresDecodable {
    public static func decodeNull() throws(PostgresDecodingFailure) -> Self { throw .unexpectedNull }
}

/// Why one value failed to decode; `PostgresRow` adds the column and types to it.
public enum PostgresDecodingFailure: Error, Sendable, Equatable {
    case typeMismatch
    case unexpectedNull
    case malformed(String)
}

/// Where and why a column failed to decode.
public struct PostgresDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var column: String
    public var columnIndex: Int
    public var postgresType: PostgresDataType
    public var swiftType: String
    public var failure: PostgresDecodingFailure

    public var description: String {
        switch self.failure {
        case .typeMismatch:
            "column \"\(self.column)\" (#\(self.columnIndex)) is \(self.postgresType), which cannot be decoded as \(self.swiftType)"
        case .unexpectedNull:
            "column \"\(self.column)\" (#\(self.columnIndex)) is NULL, but \(self.swiftType) is not optional"
        case .malformed(let reason):
            "column \"\(self.column)\" (#\(self.columnIndex)) holds a malformed \(self.postgresType) for \(self.swiftType): \(reason)"
        }
    }
}
