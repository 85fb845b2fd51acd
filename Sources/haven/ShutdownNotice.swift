import HavenCore
import Logging
import ServiceLifecycle

/// The first service to hear of a shutdown: from then on `/readyz` says so, and balancers
/// stop sending new work while the server drains what it has.
struct ShutdownNotice: Service {
    let readiness: Readiness
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        self.readiness.markStopping()
        self.logger.info("shutting down: draining requests in flight")
    }
}
