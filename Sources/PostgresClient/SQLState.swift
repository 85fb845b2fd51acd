/// A five-character SQLSTATE code, with names for the ones callers act on.
public struct SQLState: Sendable, Hashable, CustomStringConvertible {
    public let code: String

    public init(_ code: String) { self.code = code }

    public var description: String { self.code }

    public static let uniqueViolation = SQLState("23505")
    public static let foreignKeyViolation = SQLState("23503")
    public static let notNullViolation = SQLState("23502")
    public static let checkViolation = SQLState("23514")
    public static let exclusionViolation = SQLState("23P01")
    public static let serializationFailure = SQLState("40001")
    public static let deadlockDetected = SQLState("40P01")
    public static let queryCanceled = SQLState("57014")
    public static let adminShutdown = SQLState("57P01")
    public static let undefinedTable = SQLState("42P01")
    public static let syntaxError = SQLState("42601")
    public static let invalidTextRepresentation = SQLState("22P02")
    public static let duplicateDatabase = SQLState("42P04")

    /// Class 08 (connection exception) and the shutdown codes: the connection is gone.
    public var isConnectionFailure: Bool {
        self.code.hasPrefix("08") || self.code == "57P01" || self.code == "57P02" || self.code == "57P03"
    }
}
