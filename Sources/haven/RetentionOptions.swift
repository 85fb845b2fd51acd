import ArgumentParser
import Configuration

/// How long Haven keeps each kind of record, as flags (days; 0 keeps that kind).
struct RetentionOptions: ParsableArguments, ConfigurationFlags {
    @Option(
        name: .customLong("retention-addresses-days"),
        help: "Days before throttling records are deleted and source addresses on sessions and audit entries cleared (1–3650). Default: 7."
    )
    var addresses: Int?

    @Option(name: .customLong("retention-sessions-days"), help: "Days a session is kept after it ends (0: kept). Default: 180.")
    var sessions: Int?

    @Option(
        name: .customLong("retention-tokens-days"),
        help: "Days used, revoked or expired invitations and password resets, approved two-factor resets and used recovery codes, are kept (0: kept). Default: 7."
    )
    var tokens: Int?

    @Option(name: .customLong("retention-notifications-days"), help: "Days a notification is kept, read or not (0: kept). Default: 180.")
    var notifications: Int?

    @Option(name: .customLong("retention-sent-mail-days"), help: "Days sent (or given-up) mail stays in the outbox (0: kept). Default: 30.")
    var sentMail: Int?

    @Option(name: .customLong("retention-deleted-posts-days"), help: "Days a deleted forum post is kept for moderators (0: kept). Default: 30.")
    var deletedPosts: Int?

    @Option(
        name: .customLong("retention-deleted-documents-days"),
        help: "Days a deleted document or rejected version is kept before its chunks and key are destroyed (0: kept). Default: 30."
    )
    var deletedDocuments: Int?

    @Option(name: .customLong("retention-audit-days"), help: "Days audit entries are kept; a signed checkpoint keeps the chain verifiable (0: kept). Default: 730.")
    var audit: Int?

    var flags: [String: ConfigContent] {
        var flags: [String: ConfigContent] = [:]
        flags.set(.retentionAddressesDays, self.addresses)
        flags.set(.retentionSessionsDays, self.sessions)
        flags.set(.retentionTokensDays, self.tokens)
        flags.set(.retentionNotificationsDays, self.notifications)
        flags.set(.retentionSentMailDays, self.sentMail)
        flags.set(.retentionDeletedPostsDays, self.deletedPosts)
        flags.set(.retentionDeletedDocumentsDays, self.deletedDocuments)
        flags.set(.retentionAuditDays, self.audit)
        return flags
    }
}
