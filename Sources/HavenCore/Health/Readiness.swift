import PostgresClient
import Synchronization

/// Whether this instance can serve traffic: it has started and is not shutting down, the database
/// answers, and its schema is exactly the one this binary was built with.
public struct Readiness: Sendable {
    let pool: PostgresPool
    let migrator: Migrator
    private let phase: Phases

    /// Where the instance is in its life. Load balancers send traffic only while `serving`.
    public enum Phase: Sendable, Equatable {
        case starting, serving, stopping
    }

    private final class Phases: Sendable {
        let current = Mutex(Phase.starting)
    }

    public init(pool: PostgresPool, migrator: Migrator) {
        self.pool = pool
        self.migrator = migrator
        self.phase = Phases()
    }

    /// The outcome of one readiness check.
    public enum Report: Sendable, Equatable {
        case ready
        case notServing(Phase)
        case databaseUnreachable(String)
        case schemaNotCurrent(String)
    }

    /// The server accepts connections now.
    public func markServing() {
        self.phase.current.withLock { if $0 == .starting { $0 = .serving } }
    }

    /// Shutdown began: report not ready from now on, so balancers stop sending new work.
    public func markStopping() {
        self.phase.current.withLock { $0 = .stopping }
    }

    public func check() async -> Report {
        let phase = self.phase.current.withLock { $0 }
        guard phase == .serving else { return .notServing(phase) }
        do {
            try await self.migrator.verify(on: self.pool)
            return .ready
        } catch let error as MigrationError {
            return .schemaNotCurrent(error.description)
        } catch {
            return .databaseUnreachable("\(error)")
        }
    }
}
