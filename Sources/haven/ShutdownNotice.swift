import HavenCore
import Logging
import ServiceLifecycle

/// The first service to hear of a shutdown: from then on `/readyz` says so, and balancers
/// stop sending new work while the server drains what it has.
struct ShutdownNotice: Service {
    let readiness: Readiness
    /// How long to go on accepting once not ready.
    let delay: Duration
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        self.readiness.markStopping()
        if self.delay > .zero {
            self.logger.info("shutting down: not ready; still accepting while balancers notice", metadata: ["seconds": "\(self.delay.components.seconds)"])
            try? await Task.sleep(for: self.delay)
        }
        self.logger.info("shutting down: draining requests in flight")
    }
}
