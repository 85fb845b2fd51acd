import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// The account-deletion settings, as operators give them.
extension HavenCommandTests {
    @Test func accountDeletionSettingsHaveDefaultsComeFromFlagsOrEnvironmentAndAreChecked() async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let defaults = try await self.check([], in: folder)
        #expect(defaults.status == 0, "\(defaults.output)")
        #expect(defaults.output.contains("accounts.deletion_grace_days = 7"), "\(defaults.output)")
        #expect(defaults.output.contains("accounts.deleted_posts = member-choice"))
        let flags = try await self.check(["--deletion-grace-days", "30", "--deleted-posts", "keep"], in: folder)
        #expect(flags.output.contains("accounts.deletion_grace_days = 30") && flags.output.contains("accounts.deleted_posts = keep"), "\(flags.output)")
        let environment = try await self.check(
            [], environment: ["HAVEN_ACCOUNTS_DELETION_GRACE_DAYS": "0", "HAVEN_ACCOUNTS_DELETED_POSTS": "remove"], in: folder
        )
        #expect(
            environment.output.contains("accounts.deletion_grace_days = 0") && environment.output.contains("accounts.deleted_posts = remove"),
            "\(environment.output)"
        )
        for (arguments, key) in [(["--deleted-posts", "burn"], "accounts.deleted_posts"), (["--deletion-grace-days", "400"], "accounts.deletion_grace_days")] {
            let refused = try await self.check(arguments, in: folder)
            #expect(refused.status != 0 && refused.output.contains("configuration: \(key):"), "\(arguments): \(refused.output)")
        }
    }
}

/// The purge job, as `haven serve` runs it.
extension HavenCommandTests {
    @Test func serveErasesAccountsPastTheirGracePeriodAndTheAuditLogStillVerifies() async throws {
        try await TestDatabase.with { database in
            let pool = database.pool
            let url = try await database.tcpURL()
            func account(_ email: String) async throws -> UUID {
                try #require(try await pool.query(
                    "INSERT INTO accounts (email, display_name, role, status) VALUES (\(email), 'Someone', 'member', 'active') RETURNING id"
                ).first?.decode(column: 0, as: UUID.self))
            }
            // One deletion fell due yesterday; the other is not due before tomorrow.
            let leaving = try await account("leaving@example.org")
            let staying = try await account("staying@example.org")
            try await pool.execute(
                """
                INSERT INTO account_deletions (account_id, due_at, posts)
                VALUES (\(leaving), now() - interval '1 day', 'remove'), (\(staying), now() + interval '1 day', 'remove')
                """
            )
            let audit = AuditLog(pool: pool)
            for id in [leaving, staying] {
                try await audit.record(AuditEvent(actor: id, action: "account.deletion-requested", target: "account:\(id)"))
            }
            func exists(_ id: UUID) async throws -> Bool {
                try await !pool.query("SELECT 1 FROM accounts WHERE id = \(id)").isEmpty
            }

            let dataFolder = URL(filePath: NSTemporaryDirectory()).appending(path: "haven-purge-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: dataFolder) }
            try await self.serving(["--database-url", url], dataFolder: dataFolder) { _ in
                // The job runs as the server starts; give it a moment to commit.
                for _ in 0..<100 {
                    if try await !exists(leaving) { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(try await !exists(leaving))
            #expect(try await exists(staying))
            let erased = try await pool.query("SELECT count(*)::int FROM audit_log WHERE action = 'account.deleted' AND target = \("account:\(leaving)")")
                .first?.decode(column: 0, as: Int.self)
            #expect(erased == 1)
            let verified = try await self.run(["audit", "verify", "--database-url", url])
            #expect(verified.status == 0 && verified.output.contains("intact"), "\(verified.output)")
        }
    }
}
