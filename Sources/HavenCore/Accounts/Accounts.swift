import Foundation
import Logging
import PasswordHashing
import PostgresClient

/// Accounts and authentication: invitations, sign-in, sessions, second factors, API tokens and
/// recovery. Plain values in, plain values or `AccountError` out; no HTTP.
public struct Accounts: Sendable {
    let pool: PostgresPool
    let hashing: PasswordHashingPool
    let secret: ServerSecret
    public let configuration: AccountsConfiguration
    let throttle: Throttle
    let audit: AuditLog
    let logger: Logger
    /// Security events on members' own accounts are notified through it.
    public let notifications: Notifications

    public init(
        pool: PostgresPool, hashing: PasswordHashingPool, secret: ServerSecret,
        configuration: AccountsConfiguration = AccountsConfiguration(), logger: Logger = Logger(label: "haven.accounts")
    ) {
        self.pool = pool
        self.hashing = hashing
        self.secret = secret
        self.configuration = configuration
        self.throttle = Throttle(
            pool: pool, secret: secret, freeFailures: configuration.throttleFreeFailures,
            maximumDelay: configuration.throttleMaximumDelay
        )
        self.audit = AuditLog(pool: pool)
        self.logger = logger
        self.notifications = Notifications(pool: pool, configuration: NotificationsConfiguration(publicURL: configuration.publicURL))
    }

    /// Notifies the owner of `account` of a security event on it, on `connection`.
    func notifySecurityEvent(_ kind: NotificationKind, account: UUID, about subject: Notice.Subject? = nil, details: [String: String] = [:], on connection: PostgresConnection) async throws {
        try await self.notifications.record(Notice(kind, to: [account], about: subject, details: details), on: connection)
    }

    /// Lower-cased and trimmed; refuses what cannot be an address.
    static func normalizedEmail(_ email: String) throws(AccountError) -> String {
        let normalized = (email.trimmed(fitting: 0...254) ?? "").lowercased()
        let parts = normalized.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, Self.isLocalPart(parts[0]), Self.isDomain(parts[1]) else {
            throw .invalidInput("That is not an email address.")
        }
        return normalized
    }

    /// Dot-separated atoms of letters (any script), digits and RFC 5322's other atom characters.
    static func isLocalPart(_ text: Substring) -> Bool {
        let others = Set("!#$%&'*+/=?^_`{|}~-".unicodeScalars)
        return (1...64).contains(text.count) && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { atom in
            !atom.isEmpty && atom.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || others.contains($0) }
        }
    }

    /// Dot-separated labels of letters (any script), digits and inner hyphens: a host name.
    static func isDomain(_ text: Substring) -> Bool {
        (1...253).contains(text.count) && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" }
        }
    }

    /// Runs Argon2 through the bounded pool, turning saturation into `.busy`.
    func hashing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch PasswordHashingError.overloaded {
            throw AccountError.busy(retryAfter: 1)
        }
    }

    /// Decodes `id, email, display_name, role, status, totp_enabled, created_at, language`.
    static func account(from row: PostgresRow) throws -> Account {
        let (id, email, name, role, status, twoFactor, created, language) = try row.decode((UUID, String, String?, String, String, Bool, Date, String).self)
        return Account(
            id: id, email: email, displayName: name, role: Role(rawValue: role) ?? .member,
            status: AccountStatus(rawValue: status) ?? .disabled, twoFactorEnabled: twoFactor, createdAt: created, language: language
        )
    }

    /// The account, if it exists and is not deleted.
    /// Password hashes waiting for an Argon2 thread, for metrics.
    public var hashingQueueDepth: Int { self.hashing.queueDepth }

    public func account(id: UUID) async throws -> Account {
        let rows = try await self.pool.query(
            """
            SELECT id, email, display_name, role, status, totp_enabled_at IS NOT NULL, created_at, language,
                   (SELECT due_at FROM account_deletions WHERE account_id = accounts.id)
            FROM accounts WHERE id = \(id) AND status <> 'deleted'
            """
        )
        guard let row = rows.first else { throw AccountError.notFound }
        var account = try Self.account(from: row)
        account.deletionDueAt = try row.decode(column: 8, as: Date?.self)
        return account
    }
}
