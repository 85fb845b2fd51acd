/// An error from the PostgreSQL client: a failed connection, an error the server reported,
/// a value that could not be decoded, or a pool that could not hand out a connection.
public enum PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The connection could not be established; `message` is libpq's explanation.
    case connectionFailed(message: String)
    /// The connection broke while in use (server restart, network failure).
    case connectionLost(message: String)
    /// The server answered a statement with an error.
    case server(PostgresServerError)
    /// A column's value could not be decoded as the requested Swift type.
    case decoding(PostgresDecodingError)
    /// No connection became free within the pool's acquire timeout.
    case acquireTimeout(Duration)
    /// The pool is shut down and hands out no more connections.
    case poolShutDown
    /// COMMIT found the transaction already failed and rolled it back.
    case transactionRolledBack
    /// A parameter or configuration the client refuses before talking to the server.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .connectionFailed(let message): "could not connect to PostgreSQL: \(message)"
        case .connectionLost(let message): "the PostgreSQL connection was lost: \(message)"
        case .server(let error): error.description
        case .decoding(let error): error.description
        case .acquireTimeout(let duration): "no database connection became free within \(duration)"
        case .poolShutDown: "the database connection pool is shut down"
        case .transactionRolledBack: "the transaction had failed and was rolled back at COMMIT"
        case .invalidArgument(let message): "invalid argument: \(message)"
        }
    }

    /// The SQLSTATE code when the server reported the error.
    public var sqlState: SQLState? {
        if case .server(let error) = self { return error.sqlState }
        return nil
    }
}

extension PostgresError {
    /// Whether the error means the connection is unusable (lost, refused, or the server shutting
    /// down), as opposed to an error in the statement itself.
    public var isConnectionFailure: Bool {
        switch self {
        case .connectionFailed, .connectionLost: true
        case .server(let error): error.sqlState.isConnectionFailure
        default: false
        }
    }
}
