#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibPQ
import Logging
import NIOPosix

extension PostgresPool {
    /// Listens on `channel` on a dedicated connection while `body` runs, handing it the
    /// notifications as an `AsyncSequence`. If the connection breaks, it reconnects and listens
    /// again; notifications sent in between are lost, so a consumer should also poll.
    /// - Parameter channel: a lower-case identifier (`[a-z_][a-z0-9_]*`).
    @discardableResult
    public func listen<Result: Sendable>(
        to channel: String,
        _ body: (AsyncStream<PostgresNotification>) async throws -> Result
    ) async throws -> Result {
        guard let first = channel.first, first == "_" || first.isLowercase, channel.count <= 63,
            channel.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) })
        else { throw PostgresError.invalidArgument("channel name \"\(channel)\" is not a lower-case identifier") }

        let threads = NIOThreadPool(numberOfThreads: 1)
        threads.start()
        defer { threads.shutdownGracefully { _ in } }
        let (stream, continuation) = AsyncStream<PostgresNotification>.makeStream()
        // Connect once up front, so a bad configuration fails here rather than in the background.
        let connection = try await self.openListener(channel: channel, threads: threads)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await self.receive(on: connection, channel: channel, threads: threads, into: continuation)
            }
            defer { group.cancelAll() }
            return try await body(stream)
        }
    }

    private func openListener(channel: String, threads: NIOThreadPool) async throws -> PostgresConnection {
        let connection = try await PostgresConnection.connect(
            self.configuration.connection, threadPool: threads, reactor: self.reactor, logger: self.logger
        )
        // The channel is validated as an identifier above; LISTEN takes no parameters.
        try await connection.executeScriptBlocking("LISTEN \"\(channel)\"")
        return connection
    }

    private func receive(
        on first: PostgresConnection, channel: String, threads: NIOThreadPool,
        into continuation: AsyncStream<PostgresNotification>.Continuation
    ) async {
        var connection: PostgresConnection? = first
        while !Task.isCancelled {
            guard let current = connection else {
                connection = try? await self.openListener(channel: channel, threads: threads)
                if connection == nil { try? await Task.sleep(for: .milliseconds(500)) }
                continue
            }
            do {
                for notification in try await current.waitForNotifications(timeoutMilliseconds: 200) {
                    continuation.yield(notification)
                }
            } catch {
                self.logger.warning("LISTEN connection lost; reconnecting", metadata: ["error": "\(error)"])
                await current.close()
                connection = nil
            }
        }
        await connection?.close()
        continuation.finish()
    }
}

extension PostgresConnection {
    /// Waits up to `timeoutMilliseconds` for input and returns the notifications received.
    func waitForNotifications(timeoutMilliseconds: Int32) async throws -> [PostgresNotification] {
        try await self.blocking { () throws(PostgresError) in
            var received: [PostgresNotification] = []
            var descriptor = pollfd(fd: PQsocket(self.handle), events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, timeoutMilliseconds) > 0 {
                guard PQconsumeInput(self.handle) == 1 else {
                    throw .connectionLost(message: String(cString: PQerrorMessage(self.handle)).trimmingTrailingNewlines)
                }
            }
            while let notify = PQnotifies(self.handle) {
                received.append(PostgresNotification(
                    channel: String(cString: notify.pointee.relname),
                    payload: String(cString: notify.pointee.extra),
                    senderPID: Int(notify.pointee.be_pid)
                ))
                PQfreemem(notify)
            }
            guard PQstatus(self.handle) == CONNECTION_OK else {
                throw .connectionLost(message: "connection closed")
            }
            return received
        }
    }
}
