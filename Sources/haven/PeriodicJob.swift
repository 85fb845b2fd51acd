import Logging
import ServiceLifecycle

/// Runs a piece of upkeep (purging expired documents, sending digests) at start and then every
/// `interval`, until the server shuts down; a failed run is logged and tried again next time.
struct PeriodicJob: Service {
    /// What the log calls the work and what it counts ("purged document versions", "versions").
    let name: String
    let unit: String
    let interval: Duration
    let logger: Logger
    let work: @Sendable () async throws -> Int

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let count = try await self.work()
                    if count > 0 { self.logger.info("\(self.name)", metadata: [self.unit: "\(count)"]) }
                } catch {
                    self.logger.error("\(self.name) failed", metadata: ["error": "\(error)"])
                }
                do { try await Task.sleep(for: self.interval) } catch { return }
            }
        }
    }
}
