import PostgresClient

/// Whether this instance can serve traffic: the database answers and its schema is exactly the
/// one this binary was built with.
public struct Readiness: Sendable {
    let pool: PostgresPool
    let migrator: Migrator

    public init(pool: PostgresPool, migrator: Migrator) {
        self.pool = pool
        self.migrator = migrator
    }

    /// The outcome of one readiness check.
    public enum Report: Sendable, Equatable {
        case ready
        case databaseUnreachable(String)
        case schemaNotCurrent(String)
    }

    public func check() async -> Report {
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
