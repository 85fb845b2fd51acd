/// Why the embedded PostgreSQL could not be set up, started or stopped; carries the log's tail.
public enum EmbeddedPostgresError: Error, Sendable, CustomStringConvertible {
    case binariesNotFound(searched: [String])
    case setupFailed(String)
    case initdbFailed(log: String)
    case serverFailed(log: String)
    case timedOut(log: String)

    public var description: String {
        switch self {
        case .binariesNotFound(let searched):
            "PostgreSQL server binaries (initdb, postgres) not found in \(searched.joined(separator: ", ")); "
                + "install the postgresql package"
        case .setupFailed(let message): "embedded PostgreSQL setup failed: \(message)"
        case .initdbFailed(let log): "initdb failed:\n\(log)"
        case .serverFailed(let log): "the embedded PostgreSQL server exited during startup:\n\(log)"
        case .timedOut(let log): "the embedded PostgreSQL server did not answer in time:\n\(log)"
        }
    }
}
