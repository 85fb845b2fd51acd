#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibPQ

/// Where and how to connect: libpq connection keywords (`host`, `port`, `dbname`, `user`,
/// `password`, `sslmode`, …), built from a URL or from parameters.
public struct PostgresConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// libpq keywords and values, in order.
    public private(set) var parameters: [Parameter]

    public struct Parameter: Sendable, Hashable {
        public var keyword: String
        public var value: String
    }

    /// How much TLS to insist on; libpq's `sslmode`.
    public enum SSLMode: String, Sendable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// Parses a `postgresql://user:password@host:port/database?sslmode=require` URL (or a libpq
    /// `key=value` string); a Unix socket directory goes in `?host=/path/to/dir`.
    public init(url: String) throws(PostgresError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0) } ?? "unparsable connection string"
            PQfreemem(errorMessage)
            throw .invalidArgument("database URL: \(message.trimmingTrailingNewlines)")
        }
        defer { PQconninfoFree(options) }
        var parameters: [Parameter] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                parameters.append(Parameter(keyword: String(cString: keyword), value: String(cString: value)))
            }
            option += 1
        }
        self.parameters = parameters
    }

    /// Sets one libpq keyword (`password`, say), replacing any value it had.
    public mutating func set(_ keyword: String, to value: String) {
        self.parameters.removeAll { $0.keyword == keyword }
        self.parameters.append(Parameter(keyword: keyword, value: value))
    }

    /// A TCP connection.
    public init(
        host: String, port: Int = 5432, user: String, password: String? = nil, database: String,
        sslMode: SSLMode = .prefer
    ) {
        self.parameters = [
            Parameter(keyword: "host", value: host),
            Parameter(keyword: "port", value: String(port)),
            Parameter(keyword: "user", value: user),
            Parameter(keyword: "dbname", value: database),
            Parameter(keyword: "sslmode", value: sslMode.rawValue),
        ]
        if let password { self.parameters.append(Parameter(keyword: "password", value: password)) }
    }

    /// A connection through the Unix socket in `directory` (named after `port`).
    public static func unixSocket(directory: String, port: Int = 5432, user: String, database: String) -> Self {
        var configuration = Self(host: directory, port: port, user: user, database: database, sslMode: .disable)
        configuration.parameters.removeAll { $0.keyword == "password" }
        return configuration
    }

    /// The value of a libpq keyword, if set.
    public subscript(keyword: String) -> String? {
        get { self.parameters.last { $0.keyword == keyword }?.value }
        set {
            self.parameters.removeAll { $0.keyword == keyword }
            if let newValue { self.parameters.append(Parameter(keyword: keyword, value: newValue)) }
        }
    }

    /// The same server and credentials, another database.
    public func with(database: String) -> Self {
        var copy = self
        copy["dbname"] = database
        return copy
    }

    /// The settings with the password hidden, for logs and `--help` output.
    public var description: String {
        self.parameters.map { "\($0.keyword)=\($0.keyword == "password" ? "********" : $0.value)" }
            .joined(separator: " ")
    }

    /// Calls `body` with NULL-terminated keyword and value arrays for `PQconnectdbParams`,
    /// adding defaults Haven relies on (UTF-8, an application name, a connect timeout) and JIT
    /// compilation off: Haven's queries are short, and compiling them costs more (10–50 ms on a
    /// search) than it saves. An `options` keyword in the URL replaces the latter.
    func withLibPQParameters<Result>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> Result
    ) -> Result {
        var all = self.parameters
        for (keyword, value) in [
            ("client_encoding", "UTF8"), ("application_name", "haven"), ("connect_timeout", "10"), ("options", "-c jit=off"),
        ]
        where !all.contains(where: { $0.keyword == keyword }) {
            all.append(Parameter(keyword: keyword, value: value))
        }
        let keywords = all.map { strdup($0.keyword) }
        let values = all.map { strdup($0.value) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let keywordPointers = keywords.map { UnsafePointer($0) } + [nil]
        let valuePointers = values.map { UnsafePointer($0) } + [nil]
        return keywordPointers.withUnsafeBufferPointer { keywordBuffer in
            valuePointers.withUnsafeBufferPointer { valueBuffer in
                // Both buffers are non-empty (they end with NULL), so their base addresses exist.
                body(keywordBuffer.baseAddress.unsafelyUnwrapped, valueBuffer.baseAddress.unsafelyUnwrapped)
            }
        }
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var copy = self
        while copy.last?.isNewline == true { copy.removeLast() }
        return copy
    }
}
