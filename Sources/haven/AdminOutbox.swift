import ArgumentParser
import Foundation
import HavenCore

/// `haven admin outbox`: the mail outbox, newest first, secrets in links redacted; in
/// development (no SMTP server) this is where mail can be read.
struct AdminOutbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Show the mail outbox: counts, then the newest messages with their delivery state (tokens redacted)."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "How many messages to show.")
    var limit = 20

    @Flag(help: "Show each message's text too.")
    var text = false

    func run() async throws {
        let configuration = try await self.database.configuration()
        guard (1...1_000).contains(self.limit) else { throw ValidationError("--limit is 1–1000") }
        try await configuration.withPool(size: 2, logger: configuration.makeLogger(label: "haven")) { pool in
            let counts = try await MailOutbox.counts(pool: pool)
            print("outbox: \(counts.pending) pending, \(counts.sent) sent, \(counts.dead) dead")
            for entry in try await MailOutbox.recent(limit: self.limit, pool: pool) {
                let state = switch entry.state {
                case .pending: "pending (\(entry.attempts) attempts)"
                case .sent(let date): "sent \(date.formatted(.iso8601))"
                case .dead(let date): "DEAD \(date.formatted(.iso8601)) after \(entry.attempts) attempts"
                }
                print("\(entry.created.formatted(.iso8601))  \(entry.kind)  to \(entry.recipient)  \(state)")
                print("    \(entry.subject)")
                if let error = entry.lastError { print("    last error: \(error)") }
                if self.text { print(entry.text.split(separator: "\n", omittingEmptySubsequences: false).map { "    | \($0)" }.joined(separator: "\n")) }
            }
        }
    }
}
