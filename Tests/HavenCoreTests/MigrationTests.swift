import HavenCore
import HavenSchema
import HavenTesting
import PostgresClient
import Testing

@Suite struct MigrationTests {
    @Test func embeddedSchemaIsWellFormedAndApplied() async throws {
        let migrator = try HavenSchema.migrator()
        #expect(!migrator.migrations.isEmpty)
        #expect(migrator.migrations.map(\.version) == migrator.migrations.map(\.version).sorted())
        try await TestDatabase.with { database in
            // The template every test database is cloned from is fully migrated.
            try await migrator.verify(on: database.pool)
            let status = try await migrator.status(on: database.pool)
            #expect(status.count == migrator.migrations.count)
            #expect(status.allSatisfy { if case .applied = $0.state { true } else { false } })
            // Running again changes nothing.
            #expect(try await migrator.migrate(on: database.pool).isEmpty)
        }
    }

    @Test func tamperedChecksumIsRefusedNamingTheMigration() async throws {
        let migrator = try HavenSchema.migrator()
        let first = try #require(migrator.migrations.first)
        try await TestDatabase.with { database in
            try await database.pool.execute("UPDATE schema_migrations SET checksum = sha256('edited') WHERE version = \(first.version)")
            await #expect {
                try await migrator.verify(on: database.pool)
            } throws: { error in
                guard let error = error as? MigrationError, case .changed(let version, let name, _, _) = error else { return false }
                return version == first.version && name == first.name && error.description.contains(first.name)
                    && error.description.contains("has changed")
            }
            // Migrating refuses too, rather than applying anything on top.
            await #expect(throws: MigrationError.self) { try await migrator.migrate(on: database.pool) }
            // Readiness reports it, once the server is serving; before, and once stopping, it
            // reports the phase without asking the database.
            let readiness = Readiness(pool: database.pool, migrator: migrator)
            #expect(await readiness.check() == .notServing(.starting))
            readiness.markServing()
            guard case .schemaNotCurrent(let reason) = await readiness.check() else {
                Issue.record("readiness should report the changed migration")
                return
            }
            #expect(reason.contains(first.name))
            readiness.markStopping()
            readiness.markServing()
            #expect(await readiness.check() == .notServing(.stopping), "stopping is final")
        }
    }

    @Test func changedFileIsRefused() async throws {
        let real = try HavenSchema.migrations()
        let first = try #require(real.first)
        let edited = try Migration(fileName: first.name, sql: first.sql + "\n-- an innocent-looking edit\n")
        let migrator = try Migrator(migrations: [edited] + real.dropFirst())
        try await TestDatabase.with { database in
            await #expect(throws: MigrationError.self) { try await migrator.verify(on: database.pool) }
        }
    }

    @Test func unknownAppliedMigrationIsRefused() async throws {
        let migrator = try HavenSchema.migrator()
        try await TestDatabase.with { database in
            try await database.pool.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, '9999_from_the_future.sql', sha256(''))"
            )
            await #expect {
                try await migrator.verify(on: database.pool)
            } throws: { error in
                guard case .unknown(9999, "9999_from_the_future.sql") = error as? MigrationError else { return false }
                return "\(error)".contains("newer version")
            }
        }
    }

    @Test func pendingMigrationsAreAppliedInOrderEachInItsOwnTransaction() async throws {
        let base = try HavenSchema.migrations()
        let next = base.count + 1000
        let good = try Migration(fileName: "\(next)_add_table.sql", sql: "CREATE TABLE added (id integer);")
        let bad = try Migration(fileName: "\(next + 1)_broken.sql", sql: "CREATE TABLE half (id integer); SELECT 1/0;")
        try await TestDatabase.with { database in
            let migrator = try Migrator(migrations: base + [good, bad])
            await #expect(throws: MigrationError.pending(names: [good.name, bad.name])) {
                try await migrator.verify(on: database.pool)
            }
            await #expect {
                try await migrator.migrate(on: database.pool)
            } throws: { error in
                guard case .failed(let name, _) = error as? MigrationError else { return false }
                return name == bad.name
            }
            // The good one landed; the broken one left nothing behind.
            let tables = try await database.pool.query(
                "SELECT to_regclass('added') IS NOT NULL, to_regclass('half') IS NOT NULL"
            ).first!.decode((Bool, Bool).self)
            #expect(tables == (true, false))
            let status = try await migrator.status(on: database.pool)
            #expect(status.last?.state == .pending)
        }
    }

    @Test func misnamedOrDuplicateFilesAreRejected() throws {
        #expect(throws: MigrationError.invalidFileName("create_things.sql")) { try Migration(fileName: "create_things.sql", sql: "") }
        #expect(throws: MigrationError.invalidFileName("0002_things.txt")) { try Migration(fileName: "0002_things.txt", sql: "") }
        let a = try Migration(fileName: "0002_a.sql", sql: "")
        let b = try Migration(fileName: "0002_b.sql", sql: "")
        #expect(throws: MigrationError.duplicateVersion(2, names: ["0002_a.sql", "0002_b.sql"])) { try Migrator(migrations: [a, b]) }
    }

    @Test func identifiersAreTimeOrderedVersion7UUIDs() async throws {
        try await TestDatabase.with { database in
            let ids = try await database.pool.query("SELECT uuid_generate_v7()::text FROM generate_series(1, 50)").decode(String.self)
            #expect(Set(ids).count == 50)
            for id in ids {
                let hex = Array(id.replacing("-", with: ""))
                #expect(hex[12] == "7")
                #expect("89ab".contains(hex[16]))
            }
            // Milliseconds since the epoch lead, so identifiers sort by creation time.
            let first = try await database.pool.query(
                "SELECT ('x' || substr(replace(uuid_generate_v7()::text, '-', ''), 1, 12))::bit(48)::bigint"
            ).first!.decode(column: 0, as: Int.self)
            let now = try await database.pool.query("SELECT (extract(epoch FROM now()) * 1000)::bigint").first!.decode(column: 0, as: Int.self)
            #expect(abs(first - now) < 5_000)
        }
    }
}
