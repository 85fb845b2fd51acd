import HavenCore
import ServiceLifecycle

/// Runs the outbox's delivery worker until the server shuts down.
struct MailDelivery: Service {
    let outbox: MailOutbox

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await self.outbox.run()
        }
    }
}
