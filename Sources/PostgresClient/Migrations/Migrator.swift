import Foundation

/// Applies numbered SQL migrations in order, each in its own transaction, and records each with
/// the SHA-256 of its text in `schema_migrations`, so a changed or unknown migration is caught.
public struct Migrator: Sendable {
    /// The migrations, by ascending version.
    public let migrations: [Migration]

    /// An arbitrary, fixed advisory-lock key: one migrating process at a time per database.
    static let lockKey = 7_312_004_117

    public init(migrations: [Migration]) throws(MigrationError) {
        let sorted = migrations.sorted { $0.version < $1.version }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.version == next.version {
            throw .duplicateVersion(next.version, names: [previous.name, next.name])
        }
        self.migrations = sorted
    }

    /// Each known and each unknown migration's state in the database.
    public func status(on pool: PostgresPool) async throws -> [MigrationStatus] {
        try await pool.withConnection { try await self.status(on: $0) }
    }

    /// Throws unless every migration is applied unchanged and the database has no unknown one.
    public func verify(on pool: PostgresPool) async throws {
        let status = try await self.status(on: pool)
        try Self.check(status, allowPending: false)
    }

    /// Applies pending migrations in order; returns their names. Refuses to run when an applied
    /// migration changed or is unknown.
    @discardableResult
    public func migrate(on pool: PostgresPool) async throws -> [String] {
        try await pool.withConnection { connection in
            try await connection.execute("SELECT pg_advisory_lock(\(Self.lockKey))")
            do {
                let applied = try await self.migrateLocked(on: connection)
                try await connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))")
                return applied
            } catch {
                _ = try? await connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))")
                throw error
            }
        }
    }

    private func migrateLocked(on connection: PostgresConnection) async throws -> [String] {
        try await connection.executeScript(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum bytea NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """
        )
        let status = try await self.status(on: connection)
        try Self.check(status, allowPending: true)
        var applied: [String] = []
        for migration in self.migrations where status.contains(where: { $0.version == migration.version && $0.state == .pending }) {
            do {
                try await connection.withTransaction { connection in
                    try await connection.executeScript(migration.sql)
                    try await connection.execute(
                        """
                        INSERT INTO schema_migrations (version, name, checksum)
                        VALUES (\(migration.version), \(migration.name), sha256(convert_to(\(migration.sql), 'UTF8')))
                        """
                    )
                }
            } catch let error as PostgresError {
                throw MigrationError.failed(name: migration.name, error)
            }
            applied.append(migration.name)
        }
        return applied
    }

    private func status(on connection: PostgresConnection) async throws -> [MigrationStatus] {
        let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL")
            .first?.decode(column: 0, as: Bool.self) ?? false
        var recorded: [Int: (name: String, checksum: String, appliedAt: Date)] = [:]
        if exists {
            let rows = try await connection.query(
                "SELECT version, name, encode(checksum, 'hex'), applied_at FROM schema_migrations ORDER BY version"
            )
            for (version, name, checksum, appliedAt) in try rows.decode((Int, String, String, Date).self) {
                recorded[version] = (name, checksum, appliedAt)
            }
        }
        // The server computes the checksums, so they match what `migrate` recorded byte for byte.
        let current = try await connection.query(
            """
            SELECT encode(sha256(convert_to(script, 'UTF8')), 'hex')
            FROM unnest(\(self.migrations.map(\.sql))) WITH ORDINALITY AS t(script, position)
            ORDER BY position
            """
        ).decode(String.self)

        var result: [MigrationStatus] = zip(self.migrations, current).map { migration, checksum in
            guard let record = recorded[migration.version] else {
                return MigrationStatus(version: migration.version, name: migration.name, state: .pending)
            }
            let state: MigrationStatus.State =
                record.checksum == checksum && record.name == migration.name
                ? .applied(at: record.appliedAt)
                : .changed(recordedChecksum: record.checksum, currentChecksum: checksum)
            return MigrationStatus(version: migration.version, name: migration.name, state: state)
        }
        let known = Set(self.migrations.map(\.version))
        for (version, record) in recorded where !known.contains(version) {
            result.append(MigrationStatus(version: version, name: record.name, state: .unknown(appliedAt: record.appliedAt)))
        }
        return result.sorted { $0.version < $1.version }
    }

    static func check(_ status: [MigrationStatus], allowPending: Bool) throws(MigrationError) {
        for entry in status {
            switch entry.state {
            case .changed(let recorded, let current):
                throw .changed(version: entry.version, name: entry.name, recordedChecksum: recorded, currentChecksum: current)
            case .unknown:
                throw .unknown(version: entry.version, name: entry.name)
            case .applied, .pending:
                continue
            }
        }
        let pending = status.filter { $0.state == .pending }.map(\.name)
        if !allowPending && !pending.isEmpty { throw .pending(names: pending) }
    }
}
