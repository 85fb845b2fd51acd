/// How long Haven keeps each kind of record before the scheduled purge removes it, in days.
/// `nil` keeps that kind for good, where keeping is a choice an installation may make (never
/// for source addresses). Defaults follow the privacy brief.
public struct RetentionPolicy: Sendable, Equatable {
    /// One purge, as the metric `haven_retention_purged_total{policy=…}` names it.
    public enum Kind: String, Sendable, CaseIterable, Hashable, Codable {
        /// Throttling records and the source addresses kept on sessions and audit entries.
        case addresses
        /// Sessions, some days after they expired or were revoked.
        case sessions
        /// Used, revoked or expired invitations and password resets; approved second-factor resets;
        /// used recovery codes.
        case tokens
        case notifications
        /// Mail the outbox sent or gave up on.
        case sentMail = "sent-mail"
        /// Forum posts (and topics) deleted softly.
        case deletedPosts = "deleted-posts"
        /// Deleted documents and rejected versions (chunks and keys: crypto-shredding).
        case deletedDocuments = "deleted-documents"
        case audit
        /// Posts past their category's own retention period (`retention_days`).
        case categoryPosts = "category-posts"
    }

    /// Throttling records, and addresses on sessions and audit entries (at least a day).
    public var addresses: Int = 7
    /// After a session ended. The new-sign-in alert looks 180 days back for a browser.
    public var sessions: Int? = 180
    /// After the token was used, revoked or expired.
    public var tokens: Int? = 7
    public var notifications: Int? = 180
    /// After the mail was sent or given up.
    public var sentMail: Int? = 30
    /// After the post was deleted.
    public var deletedPosts: Int? = 30
    /// After the document was deleted or the version rejected.
    public var deletedDocuments: Int? = 30
    public var audit: Int? = 730

    public init() {}

    /// The days kept for `kind` (nil: kept; per category for `categoryPosts`).
    public func days(_ kind: Kind) -> Int? {
        switch kind {
        case .addresses: self.addresses
        case .sessions: self.sessions
        case .tokens: self.tokens
        case .notifications: self.notifications
        case .sentMail: self.sentMail
        case .deletedPosts: self.deletedPosts
        case .deletedDocuments: self.deletedDocuments
        case .audit: self.audit
        case .categoryPosts: nil
        }
    }
}
