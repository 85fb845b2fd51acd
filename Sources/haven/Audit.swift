import ArgumentParser
import HavenCore
import HavenSchema
import PostgresClient

/// `haven audit …`: the audit log from the command line.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check or prune the tamper-evident audit log.",
        subcommands: [AuditVerify.self, AuditRetain.self]
    )
}

/// `haven audit verify`: walk the hash chain and report the first broken link.
struct AuditVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute every audit row's hash and report the first row that does not match (exit 1).",
        discussion: "After retention removed old rows, the chain starts from a checkpoint signed with the server secret, which must then be given."
    )

    @OptionGroup var database: DatabaseOptions

    @OptionGroup var secrets: SecretOptions

    func run() async throws {
        let configuration = try await self.database.configuration(self.secrets)
        let logger = configuration.makeLogger(label: "haven.audit")
        let secret = try configuration.existingServerSecret()
        let result = try await configuration.withPool(size: 1, logger: logger) { pool in
            try await AuditLog(pool: pool, secret: secret).verify()
        }
        switch result {
        case .intact(let rows):
            print("The audit log is intact: \(rows) rows, every link checked.")
        case .broken(let position, let reason):
            print("The audit log is BROKEN at row \(position): \(reason).")
            throw ExitCode.failure
        }
    }
}

/// `haven audit retain --days N`: delete entries older than N days, oldest first.
struct AuditRetain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retain",
        abstract: "Delete audit entries older than the retention period; a checkpoint signed with the server secret keeps the chain verifiable."
    )

    @OptionGroup var database: DatabaseOptions

    @OptionGroup var secrets: SecretOptions

    @Option(help: "Keep this many days.")
    var days = 365

    func run() async throws {
        let configuration = try await self.database.configuration(self.secrets)
        guard self.days >= 1 else { throw ValidationError("--days must be at least 1") }
        let logger = configuration.makeLogger(label: "haven.audit")
        let secret = try configuration.serverSecret(logger: logger)
        let removed = try await configuration.withPool(size: 1, logger: logger) { pool in
            try await AuditLog(pool: pool, secret: secret).applyRetention(days: self.days)
        }
        print("Removed \(removed) audit entries older than \(self.days) days.")
    }
}
