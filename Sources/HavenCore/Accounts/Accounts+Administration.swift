import Foundation
import PostgresClient

/// A pending or approved second-factor reset.
public struct TwoFactorReset: Sendable, Equatable, Codable {
    public var id: UUID
    public var accountId: UUID
    public var requestedBy: UUID
    public var requestedAt: Date
    public var approvedBy: UUID?
    public var approvedAt: Date?
}

extension Accounts {
    /// Accounts matching `search` (email or display name, case-insensitive), by email, 100 a page
    /// after `after` (the previous page's last email).
    public func listAccounts(search: String?, role: Role?, status: AccountStatus?, after: String?, by actor: Actor) async throws -> [Account] {
        try Access.require(actor, .listAccounts)
        let pattern = search.map { "%" + $0.replacing("\\", with: "\\\\").replacing("%", with: "\\%").replacing("_", with: "\\_") + "%" }
        let rows = try await self.pool.query(
            """
            SELECT id, email, display_name, role, status, totp_enabled_at IS NOT NULL, created_at, language FROM accounts
            WHERE (\(pattern)::text IS NULL OR email ILIKE \(pattern) OR display_name ILIKE \(pattern))
              AND (\(role?.rawValue)::text IS NULL OR role = \(role?.rawValue))
              AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
              AND (\(after)::text IS NULL OR email > \(after))
            ORDER BY email LIMIT 100
            """
        )
        return try rows.map(Self.account(from:))
    }

    public func readAccount(_ id: UUID, by actor: Actor) async throws -> Account {
        try Access.require(actor, .readAccount)
        return try await self.account(id: id)
    }

    /// Gives an account a platform role. A promotion ends the account's sessions (new privileges
    /// need a new sign-in, and staff must enrol a second factor); a demotion applies on the next
    /// request. The last active administrator cannot be demoted.
    public func changeRole(of id: UUID, to role: Role, by actor: Actor) async throws {
        try Access.require(actor, .changeRole(target: id))
        try await self.requireRecentAuthentication(actor)
        try await self.pool.withTransaction { connection in
            // Serialise role changes so two administrators cannot demote each other at once.
            try await connection.execute("SELECT pg_advisory_xact_lock(\(Self.roleLock))")
            let current = try await connection.query("SELECT role FROM accounts WHERE id = \(id) AND status <> 'deleted'")
                .first?.decode(column: 0, as: String.self)
            guard let current, let previous = Role(rawValue: current) else { throw AccountError.notFound }
            guard previous != role else { return }
            if previous == .administrator {
                let others = try await connection.query(
                    "SELECT count(*) FROM accounts WHERE role = 'administrator' AND status = 'active' AND id <> \(id)"
                ).first?.decode(column: 0, as: Int.self) ?? 0
                guard others > 0 else { throw AccountError.invalidInput("The last administrator cannot be demoted.") }
            }
            try await connection.execute("UPDATE accounts SET role = \(role.rawValue), updated_at = now() WHERE id = \(id)")
            if role > previous {
                try await connection.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(id) AND revoked_at IS NULL")
            }
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "account.role-change", target: "account:\(id)",
                           details: ["from": previous.rawValue, "to": role.rawValue]),
                on: connection
            )
        }
    }

    static let roleLock = 7_312_004_201

    public func enableAccount(_ id: UUID, by actor: Actor) async throws {
        try Access.require(actor, .enableAccount)
        try await self.requireRecentAuthentication(actor)
        let changed = try await self.pool.execute(
            "UPDATE accounts SET status = 'active', updated_at = now() WHERE id = \(id) AND status = 'disabled'"
        )
        guard changed == 1 else { throw AccountError.notFound }
        try await self.audit.record(AuditEvent(actor: actor.accountID, action: "account.enable", target: "account:\(id)"))
    }

    /// Ends every session of an account.
    public func forceSignOut(_ id: UUID, by actor: Actor) async throws {
        try Access.require(actor, .forceSignOut)
        try await self.requireRecentAuthentication(actor)
        guard try await !self.pool.query("SELECT 1 FROM accounts WHERE id = \(id)").isEmpty else { throw AccountError.notFound }
        try await self.pool.withTransaction { connection in
            let revoked = try await connection.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(id) AND revoked_at IS NULL")
            if revoked > 0 { try await self.notifySecurityEvent(.sessionRevoked, account: id, on: connection) }
            try await self.audit.record(AuditEvent(actor: actor.accountID, action: "account.force-sign-out", target: "account:\(id)"), on: connection)
        }
    }

    /// Asks for an account's second factor to be reset; a second administrator must approve.
    public func requestTwoFactorReset(of id: UUID, by actor: Actor) async throws -> TwoFactorReset {
        try Access.require(actor, .requestTwoFactorReset(target: id))
        try await self.requireRecentAuthentication(actor)
        guard id != actor.accountID else { throw AccountError.invalidInput("Ask another administrator to reset your own second factor.") }
        let row = try await self.pool.query(
            """
            INSERT INTO two_factor_resets (account_id, requested_by)
            SELECT id, \(actor.accountID) FROM accounts WHERE id = \(id) AND totp_enabled_at IS NOT NULL
            RETURNING id, account_id, requested_by, requested_at, approved_by, approved_at
            """
        ).first
        guard let row else { throw AccountError.notFound }
        let reset = try Self.reset(from: row)
        try await self.audit.record(
            AuditEvent(actor: actor.accountID, action: "two-factor.reset-request", target: "account:\(id)", details: ["request": reset.id.uuidString])
        )
        return reset
    }

    /// Approves another administrator's reset request: the account's TOTP and recovery codes go,
    /// and its sessions end.
    public func approveTwoFactorReset(_ requestID: UUID, by actor: Actor) async throws {
        let request = try await self.pool.query(
            "SELECT requested_by, account_id FROM two_factor_resets WHERE id = \(requestID) AND approved_at IS NULL"
        ).first?.decode((UUID, UUID).self)
        guard let (requester, account) = request else {
            // Only administrators learn that there is no such request.
            try Access.require(actor, .approveTwoFactorReset(requestedBy: nil))
            throw AccountError.notFound
        }
        try Access.require(actor, .approveTwoFactorReset(requestedBy: requester))
        try await self.requireRecentAuthentication(actor)
        try await self.pool.withTransaction { connection in
            let approved = try await connection.execute(
                "UPDATE two_factor_resets SET approved_by = \(actor.accountID), approved_at = now() WHERE id = \(requestID) AND approved_at IS NULL"
            )
            guard approved == 1 else { throw AccountError.notFound }
            try await connection.execute(
                """
                UPDATE accounts SET totp_secret_sealed = NULL, totp_enabled_at = NULL, totp_last_step = 0, updated_at = now()
                WHERE id = \(account)
                """
            )
            try await connection.execute("DELETE FROM recovery_codes WHERE account_id = \(account)")
            try await connection.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = \(account) AND revoked_at IS NULL")
            try await self.notifySecurityEvent(.twoFactorChanged, account: account, on: connection)
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "two-factor.reset-approve", target: "account:\(account)",
                           details: ["request": requestID.uuidString, "requested_by": requester.uuidString]),
                on: connection
            )
        }
    }

    /// Reset requests still waiting for a second administrator.
    public func pendingTwoFactorResets(by actor: Actor) async throws -> [TwoFactorReset] {
        try Access.require(actor, .requestTwoFactorReset(target: actor.accountID))
        let rows = try await self.pool.query(
            """
            SELECT id, account_id, requested_by, requested_at, approved_by, approved_at FROM two_factor_resets
            WHERE approved_at IS NULL ORDER BY requested_at
            """
        )
        return try rows.map(Self.reset(from:))
    }

    static func reset(from row: PostgresRow) throws -> TwoFactorReset {
        let (id, account, requester, requested, approver, approved) = try row.decode((UUID, UUID, UUID, Date, UUID?, Date?).self)
        return TwoFactorReset(id: id, accountId: account, requestedBy: requester, requestedAt: requested, approvedBy: approver, approvedAt: approved)
    }
}
