import Foundation
import Testing

extension HavenCommandTests {
    @Test func retentionPeriodsComeFromFlagsEnvironmentAndFileAndAreChecked() async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appending(path: "haven.json").path
        try Data(#"{"retention": {"audit_days": 365, "sent_mail_days": 0, "notifications_days": 90}}"#.utf8).write(to: URL(filePath: config))

        let defaults = try await self.check([], in: folder)
        #expect(defaults.status == 0, "\(defaults.output)")
        for line in [
            "retention.addresses_days = 7 days", "retention.sessions_days = 180 days", "retention.tokens_days = 7 days",
            "retention.notifications_days = 180 days", "retention.sent_mail_days = 30 days", "retention.deleted_posts_days = 30 days",
            "retention.deleted_documents_days = 30 days", "retention.audit_days = 730 days",
        ] {
            #expect(defaults.output.contains(line), "\(line) in \(defaults.output)")
        }
        let given = try await self.check(
            ["--retention-notifications-days", "30"], environment: ["HAVEN_CONFIG": config, "HAVEN_RETENTION_ADDRESSES_DAYS": "2"], in: folder
        )
        #expect(given.status == 0, "\(given.output)")
        #expect(given.output.contains("retention.addresses_days = 2 days"), "environment")
        #expect(given.output.contains("retention.audit_days = 365 days"), "file")
        #expect(given.output.contains("retention.sent_mail_days = 0 (kept)"), "0 keeps")
        #expect(given.output.contains("retention.notifications_days = 30 days"), "the flag beats the file")

        for (arguments, environment, key) in [
            (["--retention-addresses-days", "0"], [:], "retention.addresses_days"),
            ([], ["HAVEN_RETENTION_AUDIT_DAYS": "forever"], "retention.audit_days"),
            ([], ["HAVEN_RETENTION_SESSIONS_DAYS": "-1"], "retention.sessions_days"),
            ([], ["HAVEN_RETENTION_KEEP": "1"], "HAVEN_RETENTION_KEEP"),
        ] as [([String], [String: String], String)] {
            let outcome = try await self.check(arguments, environment: environment, in: folder)
            #expect(outcome.status != 0, "\(arguments) \(environment) was accepted")
            #expect(outcome.output.split(separator: "\n").first?.contains("configuration: \(key):") == true, "expected \(key): \(outcome.output)")
        }
    }
}
