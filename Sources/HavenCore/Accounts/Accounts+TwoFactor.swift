import Foundation
import OpenSSLTLS
import PostgresClient

/// What enrolment shows once: the secret for authenticator apps, its `otpauth://` URI, and that
/// URI as a QR code in SVG for a page to show as it is (nil only for a URI too long to fit one).
public struct TOTPEnrolment: Sendable, Equatable, Codable {
    public var secret: String
    public var uri: String
    public var qrSvg: String?

    /// The QR code's text alternative, for screen readers.
    static let qrTitle = "QR code for your authenticator app: it holds the secret shown beside it"

    init(secret: String, uri: String) {
        self.secret = secret
        self.uri = uri
        self.qrSvg = try? QRCode(encoding: uri).svg(title: Self.qrTitle)
    }
}

extension Accounts {
    static let recoveryCodeCount = 10

    /// Starts TOTP enrolment: a new secret, sealed at rest, not active until `confirmTOTP`.
    public func beginTOTPEnrolment(_ actor: Actor) async throws -> TOTPEnrolment {
        try await self.requireRecentAuthentication(actor)
        guard !actor.twoFactorEnabled else { throw AccountError.invalidInput("Two-factor authentication is already on.") }
        let secret = SecureRandom.bytes(20)
        let sealed = try self.secret.seal(secret, purpose: "totp", context: actor.accountID.uuidString)
        try await self.pool.execute(
            "UPDATE accounts SET totp_secret_sealed = \(sealed), updated_at = now() WHERE id = \(actor.accountID) AND totp_enabled_at IS NULL"
        )
        return TOTPEnrolment(
            secret: Base32.encode(secret),
            uri: TOTP.provisioningURI(secret: secret, account: actor.email, issuer: self.configuration.issuer)
        )
    }

    /// The enrolment begun and not yet confirmed, to show again (a page reloaded, a code
    /// mistyped); nil when there is none. Needs a recent password entry, as beginning does.
    public func pendingTOTPEnrolment(_ actor: Actor) async throws -> TOTPEnrolment? {
        try await self.requireRecentAuthentication(actor)
        guard !actor.twoFactorEnabled, let secret = try await self.totpSecret(accountID: actor.accountID, enabled: false) else { return nil }
        return TOTPEnrolment(
            secret: Base32.encode(secret),
            uri: TOTP.provisioningURI(secret: secret, account: actor.email, issuer: self.configuration.issuer)
        )
    }

    /// Confirms enrolment with a first code; turns TOTP on and returns ten single-use recovery
    /// codes, shown once and stored hashed.
    public func confirmTOTP(_ actor: Actor, code: String, client: ClientInfo) async throws -> [String] {
        let keys = self.throttle.keys(email: actor.email, client: client)
        try await self.throttle.check(keys)
        guard let secret = try await self.totpSecret(accountID: actor.accountID, enabled: false),
            let step = TOTP.matchingStep(code: code, secret: secret, at: Date())
        else {
            try await self.throttle.recordFailure(keys)
            throw AccountError.invalidCredentials
        }
        let codes = (0..<Self.recoveryCodeCount).map { _ in Self.makeRecoveryCode() }
        try await self.pool.withTransaction { connection in
            let enabled = try await connection.execute(
                """
                UPDATE accounts SET totp_enabled_at = now(), totp_last_step = \(step), updated_at = now()
                WHERE id = \(actor.accountID) AND totp_enabled_at IS NULL AND totp_secret_sealed IS NOT NULL
                """
            )
            guard enabled == 1 else { throw AccountError.invalidCredentials }
            try await connection.execute("DELETE FROM recovery_codes WHERE account_id = \(actor.accountID)")
            for code in codes {
                try await connection.execute(
                    "INSERT INTO recovery_codes (account_id, code_hash) VALUES (\(actor.accountID), \(Self.recoveryDigest(code)))"
                )
            }
            // A new factor is a privilege change: other sessions end.
            try await self.revokeOtherSessions(of: actor, on: connection)
            try await self.notifySecurityEvent(.twoFactorChanged, account: actor.accountID, on: connection)
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "two-factor.enable", target: "account:\(actor.accountID)", addressPrefix: client.addressPrefix),
                on: connection
            )
        }
        return codes
    }

    /// Turns TOTP off (password and a current code required) and deletes the recovery codes.
    public func disableTOTP(_ actor: Actor, password: String, secondFactor: SecondFactor, client: ClientInfo) async throws {
        try await self.verifyPassword(of: actor, password: password, secondFactor: secondFactor, client: client)
        guard !actor.role.isStaff || !self.configuration.requireSecondFactorForStaff else {
            throw AccountError.invalidInput("Staff accounts must keep two-factor authentication on.")
        }
        try await self.pool.withTransaction { connection in
            try await connection.execute(
                """
                UPDATE accounts SET totp_secret_sealed = NULL, totp_enabled_at = NULL, totp_last_step = 0, updated_at = now()
                WHERE id = \(actor.accountID)
                """
            )
            try await connection.execute("DELETE FROM recovery_codes WHERE account_id = \(actor.accountID)")
            try await self.notifySecurityEvent(.twoFactorChanged, account: actor.accountID, on: connection)
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "two-factor.disable", target: "account:\(actor.accountID)", addressPrefix: client.addressPrefix),
                on: connection
            )
        }
    }

    /// Replaces the recovery codes with ten new ones (password and a current code required):
    /// the old ones stop working. Returns the new codes, shown once and stored hashed.
    public func regenerateRecoveryCodes(_ actor: Actor, password: String, secondFactor: SecondFactor, client: ClientInfo) async throws -> [String] {
        guard actor.twoFactorEnabled else { throw AccountError.invalidInput("Two-factor authentication is off.") }
        try await self.verifyPassword(of: actor, password: password, secondFactor: secondFactor, client: client)
        let codes = (0..<Self.recoveryCodeCount).map { _ in Self.makeRecoveryCode() }
        try await self.pool.withTransaction { connection in
            try await connection.execute("DELETE FROM recovery_codes WHERE account_id = \(actor.accountID)")
            for code in codes {
                try await connection.execute(
                    "INSERT INTO recovery_codes (account_id, code_hash) VALUES (\(actor.accountID), \(Self.recoveryDigest(code)))"
                )
            }
            try await self.notifySecurityEvent(.twoFactorChanged, account: actor.accountID, on: connection)
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "two-factor.recovery-codes", target: "account:\(actor.accountID)", addressPrefix: client.addressPrefix),
                on: connection
            )
        }
        return codes
    }

    /// Accepts a TOTP code (each 30-second code once) or an unused recovery code.
    func acceptSecondFactor(_ factor: SecondFactor, accountID: UUID) async throws -> Bool {
        if let code = factor.totpCode, !code.isEmpty {
            guard let secret = try await self.totpSecret(accountID: accountID, enabled: true),
                let step = TOTP.matchingStep(code: code, secret: secret, at: Date())
            else { return false }
            // Only a step later than the last one used: a code observed once cannot be replayed.
            let accepted = try await self.pool.execute(
                "UPDATE accounts SET totp_last_step = \(step) WHERE id = \(accountID) AND totp_last_step < \(step)"
            )
            return accepted == 1
        }
        if let code = factor.recoveryCode, !code.isEmpty {
            let used = try await self.pool.execute(
                """
                UPDATE recovery_codes SET used_at = now()
                WHERE account_id = \(accountID) AND code_hash = \(Self.recoveryDigest(code)) AND used_at IS NULL
                """
            )
            return used == 1
        }
        return false
    }

    /// How many recovery codes the actor has left.
    public func remainingRecoveryCodes(_ actor: Actor) async throws -> Int {
        try await self.pool.query(
            "SELECT count(*) FROM recovery_codes WHERE account_id = \(actor.accountID) AND used_at IS NULL"
        ).first?.decode(column: 0, as: Int.self) ?? 0
    }

    private func totpSecret(accountID: UUID, enabled: Bool) async throws -> [UInt8]? {
        let sealed = try await self.pool.query(
            """
            SELECT totp_secret_sealed FROM accounts
            WHERE id = \(accountID) AND (totp_enabled_at IS NOT NULL) = \(enabled)
            """
        ).first?.decode(column: 0, as: [UInt8]?.self)
        guard let sealed else { return nil }
        return try self.secret.open(sealed, purpose: "totp", context: accountID.uuidString)
    }

    /// Ten random Base32 characters in two groups (50 bits), e.g. `7KQ2M-XW4RT`.
    static func makeRecoveryCode() -> String {
        let text = String(Base32.encode(SecureRandom.bytes(7)).prefix(10))
        return text.prefix(5) + "-" + text.suffix(5)
    }

    /// Recovery codes are compared without case, spaces or hyphens.
    static func recoveryDigest(_ code: String) -> [UInt8] {
        SHA256.hash(Array(code.uppercased().filter { $0.isLetter || $0.isNumber }.utf8))
    }

    func revokeOtherSessions(of actor: Actor, on connection: PostgresConnection) async throws {
        try await connection.execute(
            """
            UPDATE sessions SET revoked_at = now()
            WHERE account_id = \(actor.accountID) AND revoked_at IS NULL AND id IS DISTINCT FROM \(actor.sessionID)
            """
        )
    }
}
