import Foundation
import PostgresClient

/// Counts failed credential attempts per account and per source in PostgreSQL, so that every
/// instance agrees, and answers with an exponential back-off once the free failures are used.
/// Back-off is capped: an attacker can slow an account's owner down, never lock them out.
struct Throttle: Sendable {
    let pool: PostgresPool
    let secret: ServerSecret
    let freeFailures: Int
    let maximumDelay: Duration

    /// The keys for an attempt: the (hashed) email it names, and its source prefix.
    func keys(email: String?, client: ClientInfo) -> [String] {
        var keys: [String] = []
        if let email { keys.append(self.accountKey(email: email)) }
        if !client.addressPrefix.isEmpty { keys.append("source:" + self.secret.keyedHash(client.addressPrefix, purpose: "throttle-source")) }
        return keys
    }

    /// The key counting failures against an (already normalised) email.
    func accountKey(email: String) -> String {
        "account:" + self.secret.keyedHash(email, purpose: "throttle-account")
    }

    /// Throws `.throttled` when any key is in back-off.
    func check(_ keys: [String]) async throws {
        let rows = try await self.pool.query(
            """
            SELECT ceil(extract(epoch FROM max(blocked_until) - now()))::bigint
            FROM auth_throttle WHERE key = ANY(\(keys)) AND blocked_until > now()
            """
        )
        if let seconds = try rows.first?.decode(column: 0, as: Int?.self), seconds > 0 {
            throw AccountError.throttled(retryAfter: seconds)
        }
    }

    /// Records a failure on every key; back-off doubles with each failure past the free ones.
    func recordFailure(_ keys: [String]) async throws {
        let cap = Int(self.maximumDelay.components.seconds)
        try await self.pool.execute(
            """
            INSERT INTO auth_throttle AS t (key, failures, last_failure_at)
            SELECT k, 1, now() FROM unnest(\(keys)) AS k
            ON CONFLICT (key) DO UPDATE SET
                -- Failures older than a day are forgotten.
                failures = CASE WHEN t.last_failure_at < now() - interval '1 day' THEN 1 ELSE t.failures + 1 END,
                last_failure_at = now(),
                blocked_until = CASE
                    WHEN t.failures + 1 > \(self.freeFailures) AND t.last_failure_at >= now() - interval '1 day'
                    THEN now() + make_interval(secs => least(\(cap), power(2, least(t.failures + 1 - \(self.freeFailures), 20))))
                    ELSE NULL
                END
            """
        )
    }

    /// Forgets the failures of `keys` (after a success).
    func reset(_ keys: [String]) async throws {
        try await self.pool.execute("DELETE FROM auth_throttle WHERE key = ANY(\(keys))")
    }
}
