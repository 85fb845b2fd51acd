#if canImport(Glibc)
import Glibc
#endif
import CLibPQ
import Foundation
import NIOConcurrencyHelpers
import Synchronization

/// The thread that drives every connection of a pool through libpq's non-blocking API.
///
/// A caller hands it a connection and a list of commands; the reactor sends them, waits for the
/// socket with epoll, collects the results and resumes the caller. One thread keeps many
/// statements in flight without a thread (and two context switches) per statement, and never
/// blocks: an event loop of our own, not NIO's.
final class PostgresReactor: @unchecked Sendable {
    private let epoll: Int32
    private let wakeup: Int32
    private let submissions = NIOLockedValueBox<(queue: [Operation], running: Bool)>(([], true))
    private let stopped = DispatchSemaphore(value: 0)
    /// Operations in progress by socket; touched only on the reactor thread.
    private var active: [Int32: Operation] = [:]
    /// Connections whose socket epoll watches, by socket; touched only on the reactor thread.
    /// A socket stays watched while its connection is idle, so a server that closes it (a restart)
    /// is noticed without a system call at checkout.
    private var watched: [Int32: PostgresConnection] = [:]

    /// A statement sequence in progress on one connection.
    final class Operation {
        let connection: PostgresConnection
        let commands: [LibPQCommand]
        var socket: Int32 = -1
        var wantsWrite = false
        var next = 0
        var last: PostgresResult?
        var error: PostgresError?
        let continuation: UnsafeContinuation<PostgresResult, any Error>

        init(connection: PostgresConnection, commands: [LibPQCommand], continuation: UnsafeContinuation<PostgresResult, any Error>) {
            self.connection = connection
            self.commands = commands
            self.continuation = continuation
        }
    }

    /// - Parameter name: the thread's name (15 characters at most on Linux).
    init(name: String) throws(PostgresError) {
        self.epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        self.wakeup = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard self.epoll >= 0, self.wakeup >= 0 else { throw .invalidArgument("epoll/eventfd: \(String(cString: strerror(errno)))") }
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: self.wakeup))
        epoll_ctl(self.epoll, EPOLL_CTL_ADD, self.wakeup, &event)
        let thread = Thread { [self] in self.run() }
        thread.name = name
        thread.start()
    }

    /// Runs `commands` in order on `connection`, returning the last command's last result; stops at
    /// the first error.
    func run(_ commands: [LibPQCommand], on connection: PostgresConnection) async throws -> PostgresResult {
        try await withUnsafeThrowingContinuation { continuation in
            let operation = Operation(connection: connection, commands: commands, continuation: continuation)
            // Only the submission that finds the queue empty wakes the thread: the others ride along.
            let outcome: (accepted: Bool, wake: Bool) = self.submissions.withLockedValue { state in
                guard state.running else { return (false, false) }
                state.queue.append(operation)
                return (true, state.queue.count == 1)
            }
            guard outcome.accepted else {
                continuation.resume(throwing: PostgresError.poolShutDown)
                return
            }
            if outcome.wake {
                var one: UInt64 = 1
                _ = write(self.wakeup, &one, 8)
            }
        }
    }

    /// Stops the thread after failing anything still queued.
    func shutdown() {
        let wasRunning = self.submissions.withLockedValue { state in
            defer { state.running = false }
            return state.running
        }
        guard wasRunning else { return }
        var one: UInt64 = 1
        _ = write(self.wakeup, &one, 8)
        self.stopped.wait()
        close(self.epoll)
        close(self.wakeup)
    }

    // MARK: The reactor thread

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        while true {
            let count = epoll_wait(self.epoll, &events, Int32(events.count), -1)
            if count < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in 0..<Int(count) {
                let event = events[index]
                if event.data.fd == self.wakeup {
                    var value: UInt64 = 0
                    _ = read(self.wakeup, &value, 8)
                    let (queue, running) = self.submissions.withLockedValue { state in
                        defer { state.queue.removeAll(keepingCapacity: true) }
                        return (state.queue, state.running)
                    }
                    for operation in queue { self.start(operation) }
                    if !running {
                        self.failAll()
                        self.stopped.signal()
                        return
                    }
                } else if let operation = self.active[event.data.fd] {
                    self.progress(operation, writable: event.events & EPOLLOUT.rawValue != 0)
                } else if let idle = self.watched.removeValue(forKey: event.data.fd) {
                    // Input while no statement of ours runs: the server closing an idle connection,
                    // or a blocking operation (a stream) reading its own results. Stop watching;
                    // checkout then looks at the socket itself.
                    idle.isWatched.store(false, ordering: .releasing)
                    epoll_ctl(self.epoll, EPOLL_CTL_DEL, event.data.fd, nil)
                }
            }
        }
        self.failAll()
        self.stopped.signal()
    }

    private func failAll() {
        for operation in self.active.values { operation.continuation.resume(throwing: PostgresError.poolShutDown) }
        self.active.removeAll()
    }

    private func start(_ operation: Operation) {
        let handle = operation.connection.handle
        let socket = PQsocket(handle)
        guard socket >= 0, PQstatus(handle) == CONNECTION_OK else {
            operation.continuation.resume(throwing: operation.connection.connectionError())
            return
        }
        operation.socket = socket
        self.active[socket] = operation
        if self.watched[socket] !== operation.connection {
            // First statement on this connection (or a new connection reusing a closed one's number).
            self.watched[socket] = operation.connection
            var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: socket))
            if epoll_ctl(self.epoll, EPOLL_CTL_ADD, socket, &event) != 0 && errno == EEXIST {
                epoll_ctl(self.epoll, EPOLL_CTL_MOD, socket, &event)
            }
            operation.connection.isWatched.store(true, ordering: .releasing)
        }
        self.send(operation)
    }

    /// Sends the operation's next command and waits for its results.
    private func send(_ operation: Operation) {
        let handle = operation.connection.handle
        let sent: Int32
        switch operation.commands[operation.next] {
        case .prepare(let name, let sql, let types):
            sent = PQsendPrepare(handle, name, sql, Int32(types.count), types)
        case .executePrepared(let name, let binds):
            sent = binds.withUnsafeParameters { values, lengths, formats in
                PQsendQueryPrepared(handle, name, Int32(values.count), values, lengths, formats, 1)
            }
        case .simple(let sql), .simpleIgnoringErrors(let sql):
            sent = PQsendQuery(handle, sql)
        }
        guard sent == 1 else { return self.finish(operation, error: operation.connection.connectionError()) }
        self.flushAndArm(operation)
    }

    /// Flushes what libpq has buffered; watches for writability only while some is left.
    private func flushAndArm(_ operation: Operation) {
        let flushed = PQflush(operation.connection.handle)
        guard flushed >= 0 else { return self.finish(operation, error: operation.connection.connectionError()) }
        let wantsWrite = flushed == 1
        if wantsWrite != operation.wantsWrite {
            operation.wantsWrite = wantsWrite
            var event = epoll_event(
                events: EPOLLIN.rawValue | (wantsWrite ? EPOLLOUT.rawValue : 0), data: epoll_data_t(fd: operation.socket)
            )
            epoll_ctl(self.epoll, EPOLL_CTL_MOD, operation.socket, &event)
        }
    }

    private func progress(_ operation: Operation, writable: Bool) {
        let handle = operation.connection.handle
        if writable {
            return self.flushAndArm(operation)
        }
        guard PQconsumeInput(handle) == 1 else {
            return self.finish(operation, error: operation.connection.connectionError())
        }
        while PQisBusy(handle) == 0 {
            guard let raw = PQgetResult(handle) else {
                // The command is complete.
                if operation.error == nil, operation.next + 1 < operation.commands.count {
                    operation.next += 1
                    return self.send(operation)
                }
                return self.finish(operation, error: operation.error)
            }
            let result = PostgresResult(raw)
            switch PQresultStatus(raw) {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                operation.last = result
            default:
                if case .simpleIgnoringErrors = operation.commands[operation.next] { continue }
                if operation.error == nil { operation.error = operation.connection.error(from: result) }
            }
        }
        // Still busy: epoll reports the socket again when more arrives.
    }

    private func finish(_ operation: Operation, error: PostgresError?) {
        self.active.removeValue(forKey: operation.socket)
        if operation.wantsWrite {
            operation.wantsWrite = false
            var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: operation.socket))
            epoll_ctl(self.epoll, EPOLL_CTL_MOD, operation.socket, &event)
        }
        if error?.isConnectionFailure == true, self.watched[operation.socket] === operation.connection {
            self.watched.removeValue(forKey: operation.socket)
            operation.connection.isWatched.store(false, ordering: .releasing)
            epoll_ctl(self.epoll, EPOLL_CTL_DEL, operation.socket, nil)
        }
        if let error {
            operation.continuation.resume(throwing: error)
        } else if let last = operation.last {
            operation.continuation.resume(returning: last)
        } else {
            operation.continuation.resume(throwing: PostgresError.connectionLost(message: "no result"))
        }
    }
}
