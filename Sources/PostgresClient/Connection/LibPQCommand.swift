/// One libpq request the reactor sends and whose results it collects.
enum LibPQCommand: Sendable {
    /// `PQsendPrepare`: create a named prepared statement.
    case prepare(name: String, sql: String, types: [UInt32])
    /// `PQsendQueryPrepared` with binary parameters and results.
    case executePrepared(name: String, binds: PostgresBindings)
    /// `PQsendQuery`: SQL text without parameters, possibly several statements.
    case simple(String)
    /// Like `simple`, but a failure is ignored (cleanup such as DEALLOCATE).
    case simpleIgnoringErrors(String)
}
