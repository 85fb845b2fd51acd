import Foundation
import PostgresClient

extension Retention {
    /// Throttling records whose last failure is older than `cutoff` (and no longer blocking), and
    /// the addresses of sessions and audit entries from before it: the rows stay, their address
    /// goes. Returns the records deleted plus the rows cleared.
    func purgeAddresses(before cutoff: Date, now: Date) async throws -> Int {
        let throttles = try await self.batched {
            """
            DELETE FROM auth_throttle WHERE key IN (
                SELECT key FROM auth_throttle
                WHERE last_failure_at < \(cutoff) AND (blocked_until IS NULL OR blocked_until < \(now))
                LIMIT \(Self.batchSize))
            """
        }
        // sessions_addresses
        let sessions = try await self.batched {
            """
            UPDATE sessions SET address_prefix = '' WHERE id IN (
                SELECT id FROM sessions WHERE address_prefix <> '' AND created_at < \(cutoff) LIMIT \(Self.batchSize))
            """
        }
        let entries = try await self.audit.clearAddresses(before: cutoff)
        return throttles + sessions + entries
    }

    /// Sessions that expired or were revoked before `cutoff` (sessions_ended).
    func purgeSessions(endedBefore cutoff: Date) async throws -> Int {
        try await self.batched {
            """
            DELETE FROM sessions WHERE id IN (
                SELECT id FROM sessions WHERE least(expires_at, coalesce(revoked_at, expires_at)) < \(cutoff) LIMIT \(Self.batchSize))
            """
        }
    }

    /// Invitations and password resets used, revoked or expired before `cutoff`, second-factor
    /// resets approved before it (pending requests wait for their second administrator), and
    /// recovery codes used before it (unused ones stay).
    func purgeTokens(before cutoff: Date) async throws -> Int {
        try await self.pool.withTransaction { connection in
            let invitations = try await connection.execute(
                """
                DELETE FROM invitations
                WHERE least(expires_at, coalesce(accepted_at, revoked_at, expires_at), coalesce(revoked_at, expires_at)) < \(cutoff)
                """
            )
            let resets = try await connection.execute(
                "DELETE FROM password_resets WHERE least(expires_at, coalesce(used_at, expires_at)) < \(cutoff)"
            )
            let secondFactor = try await connection.execute("DELETE FROM two_factor_resets WHERE approved_at < \(cutoff)")
            // A used recovery code is refused whether its row stays or not.
            let recoveryCodes = try await connection.execute("DELETE FROM recovery_codes WHERE used_at < \(cutoff)")
            return invitations + resets + secondFactor + recoveryCodes
        }
    }

    /// Notifications created before `cutoff`, read or not (notifications_created).
    func purgeNotifications(before cutoff: Date) async throws -> Int {
        try await self.batched {
            """
            DELETE FROM notifications WHERE id IN (
                SELECT id FROM notifications WHERE created_at < \(cutoff) LIMIT \(Self.batchSize))
            """
        }
    }

    /// Mail sent, or given up as dead, before `cutoff` (mail_outbox_finished); waiting mail stays.
    func purgeSentMail(before cutoff: Date) async throws -> Int {
        try await self.batched {
            """
            DELETE FROM mail_outbox WHERE id IN (
                SELECT id FROM mail_outbox
                WHERE (sent_at IS NOT NULL OR dead_at IS NOT NULL) AND coalesce(sent_at, dead_at) < \(cutoff)
                LIMIT \(Self.batchSize))
            """
        }
    }
}
