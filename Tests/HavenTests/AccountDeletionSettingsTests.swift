import Foundation
import HavenTesting
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
