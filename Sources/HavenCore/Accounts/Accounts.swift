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
    }

    /// Lower-cased and trimmed; refuses what cannot be an address.
    static func normalizedEmail(_ email: String) throws(AccountError) -> String {
        let normalized = email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = normalized.split(separator: "@", omittingEmptySubsequences: false)
        guard normalized.count <= 254, parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !normalized.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.isWhitespace })
        else { throw .invalidInput("That is not an email address.") }
        return normalized
    }

    /// Runs Argon2 through the bounded pool, turning saturation into `.busy`.
    func hashing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch PasswordHashingError.overloaded {
            throw AccountError.busy(retryAfter: 1)
        }
    }

    /// Decodes `id, email, display_name, role, status, totp_enabled, created_at`.
    static func account(from row: PostgresRow) throws -> Account {
        let (id, email, name, role, status, twoFactor, created) = try row.decode((UUID, String, String?, String, String, Bool, Date).self)
        return Account(
            id: id, email: email, displayName: name, role: Role(rawValue: role) ?? .member,
            status: AccountStatus(rawValue: status) ?? .disabled, twoFactorEnabled: twoFactor, createdAt: created
        )
    }

    /// The account, if it exists and is not deleted.
    public func account(id: UUID) async throws -> Account {
        let rows = try await self.pool.query(
            """
            SELECT id, email, display_name, role, status, totp_enabled_at IS NOT NULL, created_at
            FROM accounts WHERE id = \(id) AND status <> 'deleted'
            """
        )
        guard let row = rows.first else { throw AccountError.notFound }
        return try Self.account(from: row)
    }
}
