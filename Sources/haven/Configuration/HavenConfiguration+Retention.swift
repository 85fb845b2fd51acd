import HavenCore

extension HavenConfiguration {
    /// The retention periods: days, 0 meaning "keep" (except for addresses, which are always
    /// purged, after at most ten years).
    static func retentionPolicy(_ settings: Settings) throws -> RetentionPolicy {
        var policy = RetentionPolicy()
        func days(_ key: SettingKey, _ value: Int?) throws -> Int? {
            let days = try settings.int(key, default: value ?? 0, in: 0...36_500)
            return days == 0 ? nil : days
        }
        policy.addresses = try settings.int(.retentionAddressesDays, default: policy.addresses, in: 1...3_650)
        policy.sessions = try days(.retentionSessionsDays, policy.sessions)
        policy.tokens = try days(.retentionTokensDays, policy.tokens)
        policy.notifications = try days(.retentionNotificationsDays, policy.notifications)
        policy.sentMail = try days(.retentionSentMailDays, policy.sentMail)
        policy.deletedPosts = try days(.retentionDeletedPostsDays, policy.deletedPosts)
        policy.deletedDocuments = try days(.retentionDeletedDocumentsDays, policy.deletedDocuments)
        policy.audit = try days(.retentionAuditDays, policy.audit)
        return policy
    }

    /// `haven config check`'s lines for the retention periods.
    var retentionSummary: [(String, String)] {
        func text(_ days: Int?) -> String { days.map { "\($0) days" } ?? "0 (kept)" }
        return [
            ("retention.addresses_days", text(self.retention.addresses)),
            ("retention.sessions_days", text(self.retention.sessions)),
            ("retention.tokens_days", text(self.retention.tokens)),
            ("retention.notifications_days", text(self.retention.notifications)),
            ("retention.sent_mail_days", text(self.retention.sentMail)),
            ("retention.deleted_posts_days", text(self.retention.deletedPosts)),
            ("retention.deleted_documents_days", text(self.retention.deletedDocuments)),
            ("retention.audit_days", text(self.retention.audit)),
        ]
    }
}
