/// One numbered schema change: a plain-SQL file named `NNNN_description.sql`.
public struct Migration: Sendable, Hashable {
    /// The number the file name starts with; migrations apply in this order.
    public let version: Int
    /// The file name, e.g. `0001_identifiers.sql`.
    public let name: String
    /// The SQL text, applied as one script in its own transaction.
    public let sql: String

    /// - Throws: `MigrationError.invalidFileName` unless the name is `digits_words.sql`.
    public init(fileName: String, sql: String) throws(MigrationError) {
        guard fileName.hasSuffix(".sql"),
            let underscore = fileName.firstIndex(of: "_"),
            let version = Int(fileName[..<underscore]), version > 0,
            fileName[..<underscore].allSatisfy(\.isASCII)
        else { throw .invalidFileName(fileName) }
        self.version = version
        self.name = fileName
        self.sql = sql
    }
}
