import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A bounded pool of PostgreSQL connections shared by concurrent tasks.
///
/// The pool owns the threads that run libpq's blocking calls, one per connection it may open.
/// Connections open on demand up to `maximumConnections`; a caller that finds none free waits
/// up to `acquireTimeout`. An idle connection is checked on checkout, so after a server restart
/// broken connections are replaced instead of handed out.
public final class PostgresPool: Sendable {
    /// How the pool connects and how large it grows.
    public struct Configuration: Sendable {
        public var connection: PostgresConfiguration
        public var minimumConnections: Int
        public var maximumConnections: Int
        public var acquireTimeout: Duration
        public var statementCacheCapacity: Int

        public init(
            connection: PostgresConfiguration,
            minimumConnections: Int = 0,
            maximumConnections: Int = 8,
            acquireTimeout: Duration = .seconds(10),
            statementCacheCapacity: Int = 256
        ) {
            self.connection = connection
            self.minimumConnections = max(0, min(minimumConnections, maximumConnections))
            self.maximumConnections = max(1, maximumConnections)
            self.acquireTimeout = acquireTimeout
            self.statementCacheCapacity = statementCacheCapacity
        }
    }

    /// Counts for metrics and tests.
    public struct Statistics: Sendable, Equatable {
        public var open: Int
        public var idle: Int
        public var inUse: Int
        public var waiting: Int
    }

    private enum Handout: Sendable {
        case use(PostgresConnection)
        case open
    }

    private typealias Waiter = CheckedContinuation<Handout, any Error>

    public let configuration: Configuration
    let threadPool: NIOThreadPool
    let reactor: PostgresReactor
    let logger: Logger
    /// How long callers wait for a connection (or a slot to open one), through swift-metrics.
    let acquireTimer: Timer
    private let state: NIOLockedValueBox<(machine: PoolStateMachine<PostgresConnection, Waiter>, nextID: Int)>

    /// Creates a pool; it opens no connection until one is needed (or `warmUp()` is called).
    /// - Throws: `PostgresError` if the reactor thread cannot be set up (no epoll).
    public init(configuration: Configuration, logger: Logger = Logger(label: "postgres.pool")) throws {
        self.configuration = configuration
        self.logger = logger
        self.acquireTimer = Timer(label: "haven_db_pool_acquire_duration", preferredDisplayUnit: .seconds)
        self.reactor = try PostgresReactor(name: "pg-reactor")
        self.threadPool = NIOThreadPool(numberOfThreads: configuration.maximumConnections)
        self.threadPool.start()
        self.state = NIOLockedValueBox((PoolStateMachine(maximumConnections: configuration.maximumConnections), 0))
    }

    /// Opens `minimumConnections` connections now, so the first requests do not pay for them.
    public func warmUp() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<self.configuration.minimumConnections {
                group.addTask { try await self.withConnection { _ in } }
            }
            try await group.waitForAll()
        }
    }

    public var statistics: Statistics {
        self.state.withLockedValue {
            Statistics(open: $0.machine.open, idle: $0.machine.idle.count, inUse: $0.machine.inUse, waiting: $0.machine.waiting)
        }
    }

    // MARK: Using connections

    /// Runs `body` with a connection of its own, returned to the pool afterwards. A transaction
    /// left open by `body` is rolled back; a broken connection is closed instead of reused.
    @discardableResult
    public func withConnection<Result>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let connection = try await self.acquire()
        let result: Result
        do {
            result = try await body(connection)
        } catch {
            await self.release(connection)
            throw error
        }
        await self.release(connection)
        return result
    }

    /// Runs `body` in a transaction on a pooled connection: committed when it returns, rolled back
    /// when it throws.
    @discardableResult
    public func withTransaction<Result>(
        isolation: PostgresConnection.IsolationLevel = .readCommitted,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await self.withConnection { try await $0.withTransaction(isolation: isolation, body) }
    }

    /// Runs `body` in a SERIALIZABLE transaction, retrying the whole transaction (with a short,
    /// growing, jittered pause) when PostgreSQL reports a serialization failure or deadlock.
    /// `body` must be safe to run more than once.
    @discardableResult
    public func withSerializableRetry<Result>(
        maxAttempts: Int = 5,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await self.withTransaction(isolation: .serializable, body)
            } catch let error as PostgresError
                where attempt < maxAttempts
                && (error.sqlState == .serializationFailure || error.sqlState == .deadlockDetected)
            {
                let pause = 5 * (1 << min(attempt, 6))
                try await Task.sleep(for: .milliseconds(Int.random(in: pause / 2...pause)))
                attempt += 1
            }
        }
    }

    /// Runs one statement on a pooled connection and returns its rows.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await self.withConnection { try await $0.query(query) }
    }

    /// Runs one statement on a pooled connection and returns the number of rows it affected.
    @discardableResult
    public func execute(_ query: PostgresQuery) async throws -> Int {
        try await self.withConnection { try await $0.execute(query) }
    }

    /// Closes idle connections, fails waiters, and stops the threads once every connection in use
    /// is back. Later calls fail with `PostgresError.poolShutDown`.
    public func shutdown() async {
        let (idle, waiters) = self.state.withLockedValue { $0.machine.shutDown() }
        for waiter in waiters { waiter.resume(throwing: PostgresError.poolShutDown) }
        for connection in idle { await connection.close() }
        while self.statistics.inUse > 0 {
            try? await Task.sleep(for: .milliseconds(10))
        }
        try? await self.threadPool.shutdownGracefully()
        self.reactor.shutdown()
    }

    // MARK: Checkout and return

    func acquire() async throws -> PostgresConnection {
        let start = ContinuousClock.now
        var handout = try await self.handout()
        self.acquireTimer.record(duration: ContinuousClock.now - start)
        while true {
            switch handout {
            case .use(let connection):
                if connection.isHealthy { return connection }
                self.logger.debug("discarding a broken idle connection")
                await connection.close()
                handout = .open
            case .open:
                do {
                    return try await PostgresConnection.connect(
                        self.configuration.connection, threadPool: self.threadPool, reactor: self.reactor, logger: self.logger,
                        statementCacheCapacity: self.configuration.statementCacheCapacity
                    )
                } catch {
                    if let waiter = self.state.withLockedValue({ $0.machine.openFailed() }) {
                        waiter.resume(returning: .open)
                    }
                    throw error
                }
            }
        }
    }

    /// Takes an idle connection or a slot to open one, waiting for either up to the timeout.
    private func handout() async throws -> Handout {
        // Fast path: a free connection or slot, without suspending.
        switch self.state.withLockedValue({ $0.machine.acquireWithoutWaiting() }) {
        case .use(let connection): return .use(connection)
        case .open: return .open
        case .fail: throw PostgresError.poolShutDown
        case .wait: break
        }
        let id = self.state.withLockedValue {
            $0.nextID += 1
            return $0.nextID
        }
        let timeout = self.configuration.acquireTimeout
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Waiter) in
                // Whatever was released since the fast path is taken here; otherwise wait in line.
                let action = self.state.withLockedValue { $0.machine.acquire(id: id, waiter: continuation) }
                switch action {
                case .use(let connection): continuation.resume(returning: .use(connection))
                case .open: continuation.resume(returning: .open)
                case .fail: continuation.resume(throwing: PostgresError.poolShutDown)
                case .wait where Task.isCancelled:
                    self.state.withLockedValue { $0.machine.cancelWaiter(id: id) }?.resume(throwing: CancellationError())
                case .wait:
                    let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
                    eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.nanoseconds))) {
                        self.state.withLockedValue { $0.machine.cancelWaiter(id: id) }?
                            .resume(throwing: PostgresError.acquireTimeout(timeout))
                    }
                }
            }
        } onCancel: {
            self.state.withLockedValue { $0.machine.cancelWaiter(id: id) }?.resume(throwing: CancellationError())
        }
    }

    private func release(_ connection: PostgresConnection) async {
        var reusable = connection.isUsableAfterUse
        if reusable && connection.transactionStatus != .idle {
            reusable = (try? await connection.executeScript("ROLLBACK")) != nil && connection.transactionStatus == .idle
        }
        switch self.state.withLockedValue({ $0.machine.release(connection, reusable: reusable) }) {
        case .none:
            break
        case .handOver(let connection, let waiter):
            waiter.resume(returning: .use(connection))
        case .close(let connection):
            await connection.close()
        case .closeAndOpen(let connection, let waiter):
            await connection.close()
            waiter.resume(returning: .open)
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
