import HavenCore
import Logging
import ServiceLifecycle

/// Purges deleted documents and rejected versions past their retention period, hourly, until
/// the server shuts down.
struct DocumentPurger: Service {
    let documents: Documents
    let logger: Logger
    var interval: Duration = .seconds(3_600)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let purged = try await self.documents.purge()
                    if purged > 0 { self.logger.info("purged document versions past retention", metadata: ["versions": "\(purged)"]) }
                } catch {
                    self.logger.error("document purge failed", metadata: ["error": "\(error)"])
                }
                do { try await Task.sleep(for: self.interval) } catch { return }
            }
        }
    }
}
