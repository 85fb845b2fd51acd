/// The pool's bookkeeping, without I/O: which connections are idle, how many exist or are being
/// opened, and who waits for one. Each event returns the action the pool must carry out.
struct PoolStateMachine<Connection: Sendable, Waiter: Sendable>: Sendable {
    enum State {
        case running
        case shutDown
    }

    let maximumConnections: Int
    private(set) var state = State.running
    /// Idle connections, most recently used last (reused first, keeping caches warm).
    private(set) var idle: [Connection] = []
    /// Connections open or being opened.
    private(set) var open = 0
    private(set) var inUse = 0
    /// Waiters in arrival order, by id.
    private var waiters: [(id: Int, waiter: Waiter)] = []

    init(maximumConnections: Int) {
        self.maximumConnections = maximumConnections
    }

    var waiting: Int { self.waiters.count }

    enum AcquireAction {
        /// Use this idle connection (check its health first).
        case use(Connection)
        /// Open a new connection for the caller.
        case open
        /// The caller waits; it will be handed a connection or timed out.
        case wait
        /// The pool is shut down.
        case fail
    }

    /// Takes a connection or a slot if one is free; `.wait` means none is (nothing is queued).
    mutating func acquireWithoutWaiting() -> AcquireAction {
        guard case .running = self.state else { return .fail }
        if let connection = self.idle.popLast() {
            self.inUse += 1
            return .use(connection)
        }
        if self.open < self.maximumConnections {
            self.open += 1
            self.inUse += 1
            return .open
        }
        return .wait
    }

    /// Like `acquireWithoutWaiting`, but queues `waiter` when nothing is free.
    mutating func acquire(id: Int, waiter: Waiter) -> AcquireAction {
        let action = self.acquireWithoutWaiting()
        if case .wait = action { self.waiters.append((id, waiter)) }
        return action
    }

    enum ReleaseAction {
        /// Nothing more to do: the connection is idle now.
        case none
        /// Hand the connection to this waiter.
        case handOver(Connection, to: Waiter)
        /// Close the connection (broken, or the pool is shut down); nobody waits for it.
        case close(Connection)
        /// Close the connection; open a new one for this waiter.
        case closeAndOpen(Connection, for: Waiter)
    }

    /// A caller is done with a connection; `reusable` is false when it broke.
    mutating func release(_ connection: Connection, reusable: Bool) -> ReleaseAction {
        self.inUse -= 1
        guard case .running = self.state else {
            self.open -= 1
            return .close(connection)
        }
        if reusable {
            if self.waiters.isEmpty {
                self.idle.append(connection)
                return .none
            }
            self.inUse += 1
            return .handOver(connection, to: self.waiters.removeFirst().waiter)
        }
        if self.waiters.isEmpty {
            self.open -= 1
            return .close(connection)
        }
        // The slot passes to the first waiter, who opens a fresh connection.
        self.inUse += 1
        return .closeAndOpen(connection, for: self.waiters.removeFirst().waiter)
    }

    /// Opening a connection for a caller failed: the slot is free again.
    mutating func openFailed() -> Waiter? {
        self.inUse -= 1
        self.open -= 1
        // A waiter may now open a connection in the freed slot.
        guard case .running = self.state, !self.waiters.isEmpty else { return nil }
        self.open += 1
        self.inUse += 1
        return self.waiters.removeFirst().waiter
    }

    /// A waiter gave up (timeout or cancellation); returns it if it was still waiting.
    mutating func cancelWaiter(id: Int) -> Waiter? {
        guard let index = self.waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return self.waiters.remove(at: index).waiter
    }

    /// Stops the pool: returns the idle connections to close and the waiters to fail.
    mutating func shutDown() -> (idle: [Connection], waiters: [Waiter]) {
        self.state = .shutDown
        let idle = self.idle
        self.open -= idle.count
        self.idle = []
        let waiters = self.waiters.map(\.waiter)
        self.waiters = []
        return (idle, waiters)
    }
}
