#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibPQ
import Logging
import NIOPosix
import Synchronization

/// One connection to PostgreSQL over libpq.
///
/// libpq blocks, so every call into it runs on a thread of the `NIOThreadPool` given at
/// connect time, never on the caller's thread or an event loop. A connection serves one caller
/// at a time (the pool enforces that); its API is `async`.
public final class PostgresConnection: @unchecked Sendable {
    // Mutable state below is touched only by the one caller that holds the connection,
    // one blocking call at a time.
    let handle: OpaquePointer
    let threadPool: NIOThreadPool
    let reactor: PostgresReactor
    let logger: Logger
    private var statements: PreparedStatementCache
    private var isClosed = false
    /// True while the reactor watches this connection's socket: it stops at the first input that
    /// no statement of ours asked for.
    let isWatched = Atomic<Bool>(false)

    private init(handle: OpaquePointer, threadPool: NIOThreadPool, reactor: PostgresReactor, logger: Logger, statementCacheCapacity: Int) {
        self.handle = handle
        self.threadPool = threadPool
        self.reactor = reactor
        self.logger = logger
        self.statements = PreparedStatementCache(capacity: statementCacheCapacity)
    }

    deinit {
        if !self.isClosed { PQfinish(self.handle) }
    }

    /// Opens a connection.
    /// - Parameters:
    ///   - configuration: the server, database and credentials
    ///   - threadPool: the threads that run libpq's blocking calls (connecting, streaming, closing)
    ///   - reactor: the thread that runs statements through libpq's non-blocking API
    ///   - statementCacheCapacity: how many prepared statements to keep on the server
    static func connect(
        _ configuration: PostgresConfiguration,
        threadPool: NIOThreadPool,
        reactor: PostgresReactor,
        logger: Logger = Logger(label: "postgres"),
        statementCacheCapacity: Int = 256
    ) async throws -> PostgresConnection {
        let handle = try await runBlocking(on: threadPool) { () throws(PostgresError) -> UnsafeTransfer<OpaquePointer> in
            let handle = configuration.withLibPQParameters { keywords, values in
                PQconnectdbParams(keywords, values, 0)
            }
            guard let handle else { throw .connectionFailed(message: "out of memory") }
            guard PQstatus(handle) == CONNECTION_OK else {
                let message = String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines
                PQfinish(handle)
                throw .connectionFailed(message: message)
            }
            // Statements go through the reactor, which must never wait on a send.
            PQsetnonblocking(handle, 1)
            return UnsafeTransfer(handle)
        }.value
        let connection = PostgresConnection(
            handle: handle, threadPool: threadPool, reactor: reactor, logger: logger, statementCacheCapacity: statementCacheCapacity
        )
        PQsetNoticeProcessor(handle, { context, message in
            guard let context, let message else { return }
            let connection = Unmanaged<PostgresConnection>.fromOpaque(context).takeUnretainedValue()
            connection.logger.debug("postgres notice", metadata: ["message": "\(String(cString: message).trimmingTrailingNewlines)"])
        }, Unmanaged.passUnretained(connection).toOpaque())
        return connection
    }

    // MARK: Statements

    /// Runs a statement and returns all its rows.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        do {
            return PostgresRows(result: try await self.executePrepared(query))
        } catch let error as PostgresError where error.isStalePreparedStatement {
            // A table the statement reads was changed (a migration, a temp table made anew): the
            // cached statement is dropped; outside a transaction it is safe to prepare it again.
            let name = self.statements.remove(PreparedStatementCache.Key(query))
            guard self.transactionStatus == .idle else { throw error }
            if let name { _ = try? await self.reactor.run([.simpleIgnoringErrors("DEALLOCATE \(name)")], on: self) }
            return PostgresRows(result: try await self.executePrepared(query))
        }
    }

    /// Runs a statement and returns how many rows it inserted, updated or deleted.
    @discardableResult
    public func execute(_ query: PostgresQuery) async throws -> Int {
        try await self.query(query).affectedRows
    }

    /// Runs SQL text that may hold several statements and no parameters (a migration file),
    /// through the simple query protocol.
    public func executeScript(_ sql: String) async throws {
        _ = try await self.reactor.run([.simple(sql)], on: self)
    }

    /// Executes `query`'s prepared statement, preparing it first (and dropping the oldest cached
    /// one) on a cache miss, all in one trip to the reactor.
    private func executePrepared(_ query: PostgresQuery) async throws -> PostgresResult {
        let key = PreparedStatementCache.Key(query)
        if let name = self.statements[key] {
            return try await self.reactor.run([.executePrepared(name: name, binds: query.binds)], on: self)
        }
        let (name, evicted) = self.statements.insert(key)
        var commands: [LibPQCommand] = []
        if let evicted { commands.append(.simpleIgnoringErrors("DEALLOCATE \(evicted)")) }
        commands.append(.prepare(name: name, sql: query.sql, types: key.types))
        commands.append(.executePrepared(name: name, binds: query.binds))
        do {
            return try await self.reactor.run(commands, on: self)
        } catch {
            // Whether the statement got prepared is unknown: forget the name and drop it if it exists.
            self.statements.remove(key)
            if self.isUsableAfterUse {
                _ = try? await self.reactor.run([.simpleIgnoringErrors("DEALLOCATE \(name)")], on: self)
            }
            throw error
        }
    }

    /// Runs SQL text on a pool thread with libpq's blocking API, outside the reactor (for
    /// connections the reactor does not serve, such as a LISTEN connection).
    func executeScriptBlocking(_ sql: String) async throws {
        try await self.blocking { () throws(PostgresError) in _ = try self.check(PQexec(self.handle, sql)) }
    }

    /// Runs a statement and hands its rows to `body` one at a time, fetching them from the server
    /// in batches, so a result larger than memory can be read. If `body` throws, the statement is
    /// cancelled on the server and the error rethrown.
    public func stream(
        _ query: PostgresQuery,
        batchSize: Int = 64,
        _ body: (PostgresRow) async throws -> Void
    ) async throws {
        try await self.blocking { () throws(PostgresError) in try self.blockingSendStreaming(query) }
        var finished = false
        do {
            while !finished {
                let batch = try await self.blocking { () throws(PostgresError) in try self.blockingNextRows(limit: batchSize) }
                finished = batch.finished
                for result in batch.rows {
                    try await body(PostgresRow(result: result, index: 0))
                }
            }
        } catch {
            if !finished {
                try? await self.blocking { () throws(PostgresError) in self.blockingCancelAndDrain() }
            }
            throw error
        }
    }

    // MARK: Transactions

    /// The isolation level of a transaction.
    public enum IsolationLevel: String, Sendable {
        case readCommitted = "READ COMMITTED"
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    @discardableResult
    public func withTransaction<Result>(
        isolation: IsolationLevel = .readCommitted,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await self.executeScript("BEGIN ISOLATION LEVEL \(isolation.rawValue)")
        let result: Result
        do {
            result = try await body(self)
        } catch {
            try? await self.executeScript("ROLLBACK")
            throw error
        }
        let tag = try await self.reactor.run([.simple("COMMIT")], on: self).commandTag
        // COMMIT of a transaction that already failed answers ROLLBACK without an error.
        guard tag == "COMMIT" else { throw PostgresError.transactionRolledBack }
        return result
    }

    // MARK: State

    /// Whether the connection is idle, in a transaction, or in a failed transaction.
    public var transactionStatus: TransactionStatus {
        switch PQtransactionStatus(self.handle) {
        case PQTRANS_IDLE: .idle
        case PQTRANS_INTRANS: .inTransaction
        case PQTRANS_INERROR: .failedTransaction
        case PQTRANS_ACTIVE: .active
        default: .unknown
        }
    }

    public enum TransactionStatus: Sendable {
        case idle, active, inTransaction, failedTransaction, unknown
    }

    /// Whether an idle connection can still be used: libpq thinks it is open and the server has
    /// sent nothing since the last statement (a server that shuts down sends a FATAL error and
    /// closes the socket). Does not block.
    var isHealthy: Bool {
        guard !self.isClosed, PQstatus(self.handle) == CONNECTION_OK else { return false }
        // A watched socket has had no input since the last statement, or the reactor would have
        // stopped watching it; otherwise ask the socket.
        if self.isWatched.load(ordering: .acquiring) { return true }
        var descriptor = pollfd(fd: PQsocket(self.handle), events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) == 0
    }

    /// Whether the connection survived its last use (false once libpq has seen it break).
    var isUsableAfterUse: Bool { !self.isClosed && PQstatus(self.handle) == CONNECTION_OK }

    /// The server's process id for this session, as `pg_backend_pid()` reports it.
    public var backendPID: Int { Int(PQbackendPID(self.handle)) }

    /// Closes the connection.
    public func close() async {
        guard !self.isClosed else { return }
        self.isClosed = true
        try? await self.blocking { () throws(PostgresError) in PQfinish(self.handle) }
    }

    // MARK: Blocking calls (on the thread pool)

    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws(PostgresError) -> T) async throws -> T {
        try await Self.runBlocking(on: self.threadPool, body)
    }

    static func runBlocking<T: Sendable>(
        on threadPool: NIOThreadPool, _ body: @escaping @Sendable () throws(PostgresError) -> T
    ) async throws -> T {
        do {
            return try await threadPool.runIfActive { try body() }
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw PostgresError.poolShutDown
        }
    }

    /// Returns the server-side name of `query`'s prepared statement, preparing it on a cache miss.
    private func blockingPrepare(_ query: PostgresQuery) throws(PostgresError) -> String {
        let key = PreparedStatementCache.Key(query)
        if let name = self.statements[key] { return name }
        let (name, evicted) = self.statements.insert(key)
        if let evicted {
            _ = try? self.check(PQexec(self.handle, "DEALLOCATE \(evicted)"))
        }
        let types = key.types
        do {
            _ = try self.check(PQprepare(self.handle, name, query.sql, Int32(types.count), types))
        } catch {
            self.statements.remove(key)
            throw error
        }
        return name
    }

    private func blockingSendStreaming(_ query: PostgresQuery) throws(PostgresError) {
        let name = try self.blockingPrepare(query)
        let sent = query.binds.withUnsafeParameters { values, lengths, formats in
            PQsendQueryPrepared(self.handle, name, Int32(values.count), values, lengths, formats, 1)
        }
        guard sent == 1 else { throw self.connectionError() }
        guard PQsetSingleRowMode(self.handle) == 1 else {
            self.blockingCancelAndDrain()
            throw .invalidArgument("single-row mode could not be entered")
        }
    }

    /// Reads up to `limit` rows of a streaming statement; `finished` once the last result is read.
    private func blockingNextRows(limit: Int) throws(PostgresError) -> (rows: [PostgresResult], finished: Bool) {
        var rows: [PostgresResult] = []
        while rows.count < limit {
            guard let raw = PQgetResult(self.handle) else { return (rows, true) }
            let result = PostgresResult(raw)
            switch PQresultStatus(raw) {
            case PGRES_SINGLE_TUPLE:
                rows.append(result)
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
                // The zero-row result that ends the set; the next PQgetResult returns NULL.
                continue
            default:
                let error = self.error(from: result)
                while let rest = PQgetResult(self.handle) { PQclear(rest) }
                throw error
            }
        }
        return (rows, false)
    }

    /// Asks the server to cancel the running statement and discards its remaining results.
    private func blockingCancelAndDrain() {
        if let cancel = PQgetCancel(self.handle) {
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancel, &buffer, Int32(buffer.count))
            PQfreeCancel(cancel)
        }
        while let rest = PQgetResult(self.handle) { PQclear(rest) }
    }

    /// Turns a libpq result into a `PostgresResult` or the error it reports.
    private func check(_ raw: OpaquePointer?) throws(PostgresError) -> PostgresResult {
        guard let raw else { throw self.connectionError() }
        let result = PostgresResult(raw)
        switch PQresultStatus(raw) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE, PGRES_EMPTY_QUERY:
            return result
        default:
            throw self.error(from: result)
        }
    }

    func error(from result: PostgresResult) -> PostgresError {
        func field(_ code: UInt8) -> String? {
            PQresultErrorField(result.pointer, Int32(code)).map { String(cString: $0) }
        }
        let sqlState = field(UInt8(ascii: "C"))
        guard let sqlState, PQstatus(self.handle) == CONNECTION_OK || SQLState(sqlState).isConnectionFailure else {
            return self.connectionError()
        }
        return .server(PostgresServerError(
            sqlState: SQLState(sqlState),
            severity: field(UInt8(ascii: "V")) ?? field(UInt8(ascii: "S")) ?? "ERROR",
            message: field(UInt8(ascii: "M")) ?? "",
            detail: field(UInt8(ascii: "D")),
            hint: field(UInt8(ascii: "H")),
            constraint: field(UInt8(ascii: "n")),
            table: field(UInt8(ascii: "t")),
            column: field(UInt8(ascii: "c")),
            schema: field(UInt8(ascii: "s"))
        ))
    }

    func connectionError() -> PostgresError {
        .connectionLost(message: String(cString: PQerrorMessage(self.handle)).trimmingTrailingNewlines)
    }
}

/// Moves a value that is not `Sendable` to another thread that becomes its only user.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

extension PostgresError {
    /// "cached plan must not change result type": a prepared statement outlived a schema change.
    var isStalePreparedStatement: Bool {
        guard case .server(let error) = self else { return false }
        return error.sqlState == SQLState("0A000") && error.message.contains("cached plan")
    }
}
