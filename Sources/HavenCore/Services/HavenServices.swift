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
    public let exports: DataExports
    /// The same inbox the accounts, forums and documents record into.
    public var notifications: Notifications { self.forums.notifications }

    public init(
        pool: PostgresPool, migrator: Migrator, accounts: Accounts, forums: ForumsConfiguration = ForumsConfiguration(),
        documentKeys: MasterKeyring, documents: DocumentsConfiguration = DocumentsConfiguration(),
        notifications: NotificationsConfiguration? = nil, exports: DataExportsConfiguration = DataExportsConfiguration()
    ) {
        self.pool = pool
        self.readiness = Readiness(pool: pool, migrator: migrator)
        self.accounts = accounts
        self.organisations = Organisations(pool: pool, accounts: accounts)
        self.groups = Groups(pool: pool)
        self.audit = AuditLog(pool: pool)
        self.forums = Forums(pool: pool, configuration: forums, notifications: notifications ?? accounts.notifications.configuration)
        self.documents = Documents(pool: pool, keys: documentKeys, configuration: documents, forums: self.forums)
        self.events = Events(pool: pool, forums: self.forums, documents: self.documents)
        self.digests = Digests(pool: pool, forums: self.forums, secret: accounts.secret)
        self.outreach = Outreach(pool: pool)
        self.consultations = Consultations(pool: pool, documents: self.documents, notifications: self.forums.notifications)
        self.exports = DataExports(pool: pool, documents: self.documents, notifications: self.forums.notifications, configuration: exports)
    }
}
