import ArgumentParser
import Foundation
import HavenSchema
import PostgresClient

/// `haven migrate`: apply pending migrations, or list them with `--status`.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending database migrations (or list them with --status).",
        discussion: "Each migration runs in its own transaction and is recorded with its SHA-256; "
            + "a changed or unknown migration stops everything."
    )

    @OptionGroup var database: DatabaseOptions

    @Flag(name: .customLong("status"), help: "List each migration and whether it is applied; change nothing.")
    var statusOnly = false

    func run() async throws {
        let configuration = try await self.database.configuration()
        let logger = configuration.makeLogger(label: "haven.migrate")
        let migrator = try HavenSchema.migrator()
        try await configuration.withPool(size: 1, logger: logger) { pool in
            if self.statusOnly {
                for entry in try await migrator.status(on: pool) {
                    print("\(entry.name)\t\(Self.describe(entry.state))")
                }
            } else {
                let applied = try await migrator.migrate(on: pool)
                print(applied.isEmpty ? "Nothing to apply: the schema is current." : "Applied: \(applied.joined(separator: ", "))")
            }
        }
    }

    static func describe(_ state: MigrationStatus.State) -> String {
        switch state {
        case .applied(let date): "applied \(date.formatted(.iso8601))"
        case .pending: "pending"
        case .changed(let recorded, let current): "CHANGED since applied (recorded \(recorded.prefix(12))…, now \(current.prefix(12))…)"
        case .unknown(let date): "UNKNOWN to this binary (applied \(date.formatted(.iso8601)))"
        }
    }
}

/// An error printed as its description, with exit status 1.
struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ error: any Error) { self.description = "\(error)" }
}
