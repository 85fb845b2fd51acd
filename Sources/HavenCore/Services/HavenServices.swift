import PostgresClient

/// The domain services one Haven instance runs, built once at startup and shared by every
/// request. HavenAPI reaches the domain only through these.
public struct HavenServices: Sendable {
    public let pool: PostgresPool
    public let readiness: Readiness
    public let accounts: Accounts
    public let organisations: Organisations
    public let groups: Groups
    public let audit: AuditLog
    public let forums: Forums
    public let documents: Documents
    public let events: Events
    public let digests: Digests
    public let consultations: Consultations
    public let outreach: Outreach
    /// The scheduled purges, and the policy the privacy notice describes.
    public let retention: Retention
    public let exports: DataExports
    /// The same inbox the accounts, forums and documents record into.
    public var notifications: Notifications { self.forums.notifications }
    /// What is stored, why and for how long, as the retention policy in force says.
    public var privacyNotice: PrivacyNotice {
        PrivacyNotice(policy: self.retention.policy, exports: self.exports.configuration, accounts: self.accounts.configuration)
    }

    public init(
        pool: PostgresPool, migrator: Migrator, accounts: Accounts, forums: ForumsConfiguration = ForumsConfiguration(),
        documentKeys: MasterKeyring, documents: DocumentsConfiguration = DocumentsConfiguration(),
        notifications: NotificationsConfiguration? = nil, retention: RetentionPolicy = RetentionPolicy(),
        exports: DataExportsConfiguration = DataExportsConfiguration()
    ) {
        self.pool = pool
        self.readiness = Readiness(pool: pool, migrator: migrator)
        self.accounts = accounts
        self.organisations = Organisations(pool: pool, accounts: accounts)
        self.groups = Groups(pool: pool)
        self.audit = AuditLog(pool: pool, secret: accounts.secret)
        self.forums = Forums(pool: pool, configuration: forums, notifications: notifications ?? accounts.notifications.configuration)
        self.documents = Documents(pool: pool, keys: documentKeys, configuration: documents, forums: self.forums)
        self.events = Events(pool: pool, forums: self.forums, documents: self.documents)
        self.digests = Digests(pool: pool, forums: self.forums, secret: accounts.secret)
        self.outreach = Outreach(pool: pool)
        self.consultations = Consultations(pool: pool, documents: self.documents, notifications: self.forums.notifications)
        self.retention = Retention(pool: pool, policy: retention, documents: self.documents, audit: self.audit)
        self.exports = DataExports(pool: pool, documents: self.documents, notifications: self.forums.notifications, configuration: exports)
    }
}
