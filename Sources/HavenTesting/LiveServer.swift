import Hummingbird
import Logging
import NIOCore
import OpenSSLTLS
import ServiceLifecycle

/// Runs a Hummingbird application on a free port for as long as a closure runs.
public enum LiveServer {
    /// Builds the application with the `onServerRunning` callback it must install, runs it, calls
    /// `body` with the port it listens on, then shuts it down gracefully (also when `body` throws).
    public static func serving<App: ApplicationProtocol, Result: Sendable>(
        _ makeApplication: (@escaping @Sendable (any Channel) async -> Void) -> App,
        logger: Logger,
        _ body: (Int) async throws -> Result
    ) async throws -> Result {
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let application = makeApplication { channel in
            portContinuation.yield(channel.localAddress?.port ?? 0)
            portContinuation.finish()
        }
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                await group.triggerGracefulShutdown()
                throw LiveServerError.didNotStart
            }
            let result: Result
            do {
                result = try await body(port)
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        }
    }
}

public enum LiveServerError: Error {
    case didNotStart
}

extension LiveServer {
    /// Serves `router` over Haven's OpenSSL TLS on a free port of 127.0.0.1 while `body` runs.
    public static func serving<Builder: HTTPResponderBuilder, Result: Sendable>(
        router: Builder, tls: TLSContext, logger: Logger, _ body: (Int) async throws -> Result
    ) async throws -> Result where Builder.Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        try await self.serving(
            { onServerRunning in
                Application(
                    router: router,
                    server: .http1OpenSSL(context: tls),
                    configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
                    onServerRunning: onServerRunning,
                    logger: logger
                )
            },
            logger: logger,
            body
        )
    }
}
