import Foundation
import OpenSSLTLS
import PostgresClient

/// The tamper-evident audit log. Each row carries the SHA-256 of the previous row's hash and its
/// own content, computed by the database as it appends (`audit_chain` in Schema/0003), so a
/// changed, removed or inserted row breaks the chain from there on. Rows cannot be updated or
/// deleted through the application (a trigger refuses), except by retention, oldest first.
public struct AuditLog: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// Appends an event (in its own statement, or in `connection`'s transaction).
    public func record(_ event: AuditEvent, on connection: PostgresConnection? = nil) async throws {
        let details = String(decoding: (try? JSONSerialization.data(withJSONObject: event.details, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
        let query: PostgresQuery = """
            INSERT INTO audit_log (actor_id, action, target, outcome, address_prefix, details, previous_hash, hash)
            VALUES (\(event.actor), \(event.action), \(event.target), \(event.outcome.rawValue), \(event.addressPrefix),
                    \(details)::jsonb, '\\x'::bytea, '\\x'::bytea)
            """
        if let connection {
            try await connection.execute(query)
        } else {
            try await self.pool.execute(query)
        }
    }

    /// Filters for reading the log; keyset-paginated by position (newest first).
    public struct Filter: Sendable, Equatable {
        public var action: String?
        public var actor: UUID?
        public var target: String?
        public var since: Date?
        public var until: Date?
        /// Only entries before this position (the previous page's last).
        public var before: Int?
        public var limit: Int

        public init(
            action: String? = nil, actor: UUID? = nil, target: String? = nil, since: Date? = nil, until: Date? = nil,
            before: Int? = nil, limit: Int = 100
        ) {
            self.action = action
            self.actor = actor
            self.target = target
            self.since = since
            self.until = until
            self.before = before
            self.limit = max(1, min(limit, 1000))
        }
    }

    /// Entries matching `filter`, newest first.
    public func entries(_ filter: Filter) async throws -> [AuditEntry] {
        // audit_log_action / audit_log_actor serve the common filters; position orders.
        let rows = try await self.pool.query(
            """
            SELECT position, id, occurred_at, actor_id, action, target, outcome, address_prefix, details::text
            FROM audit_log
            WHERE (\(filter.action)::text IS NULL OR action = \(filter.action))
              AND (\(filter.actor)::uuid IS NULL OR actor_id = \(filter.actor))
              AND (\(filter.target)::text IS NULL OR target = \(filter.target))
              AND (\(filter.since)::timestamptz IS NULL OR occurred_at >= \(filter.since))
              AND (\(filter.until)::timestamptz IS NULL OR occurred_at < \(filter.until))
              AND (\(filter.before)::bigint IS NULL OR position < \(filter.before))
            ORDER BY position DESC LIMIT \(filter.limit)
            """
        )
        return try rows.map(Self.entry(from:))
    }

    /// Every entry, oldest first, handed to `body` one at a time (for export).
    public func export(_ body: (AuditEntry) async throws -> Void) async throws {
        try await self.pool.withConnection { connection in
            try await connection.stream(
                """
                SELECT position, id, occurred_at, actor_id, action, target, outcome, address_prefix, details::text
                FROM audit_log ORDER BY position
                """
            ) { row in try await body(try Self.entry(from: row)) }
        }
    }

    static func entry(from row: PostgresRow) throws -> AuditEntry {
        let (position, id, occurred, actor, action, target, outcome, prefix, details) =
            try row.decode((Int, UUID, Date, UUID?, String, String, String, String, String).self)
        let parsed = (try? JSONSerialization.jsonObject(with: Data(details.utf8))) as? [String: String] ?? [:]
        return AuditEntry(
            position: position, id: id, occurredAt: occurred, actorId: actor, action: action, target: target, outcome: outcome,
            addressPrefix: prefix, details: parsed
        )
    }

    /// The result of walking the chain.
    public enum Verification: Sendable, Equatable {
        /// Every row links to the one before; `rows` were checked.
        case intact(rows: Int)
        /// The first row whose link or hash is wrong, and why.
        case broken(position: Int, reason: String)
    }

    /// Walks the chain from the oldest row kept, recomputing every hash.
    public func verify() async throws -> Verification {
        var expectedPrevious: [UInt8]?
        var expectedPosition: Int?
        var checked = 0
        var broken: Verification?
        try await self.pool.withConnection { connection in
            try await connection.stream(
                """
                SELECT position, previous_hash, hash,
                       audit_content(position, occurred_at, actor_id, action, target, outcome, address_prefix, details)
                FROM audit_log ORDER BY position
                """,
                batchSize: 256
            ) { row in
                guard broken == nil else { return }
                let (position, previous, hash, content) = try row.decode((Int, [UInt8], [UInt8], [UInt8]).self)
                if let expectedPosition, position != expectedPosition {
                    broken = .broken(position: position, reason: "rows \(expectedPosition)…\(position - 1) are missing")
                } else if let expectedPrevious, previous != expectedPrevious {
                    broken = .broken(position: position, reason: "its link does not match the previous row's hash")
                } else if SHA256.hash(previous + content) != hash {
                    broken = .broken(position: position, reason: "its content does not match its hash")
                }
                expectedPrevious = hash
                expectedPosition = position + 1
                checked += 1
            }
        }
        if let broken { return broken }
        // The head must point at the last row: rows removed from the end show here.
        let head = try await self.pool.query("SELECT position, hash FROM audit_head").first?.decode((Int, [UInt8]).self)
        if let head, checked > 0, head.0 != (expectedPosition ?? 1) - 1 || head.1 != expectedPrevious {
            return .broken(position: head.0, reason: "the chain's head does not match the last row")
        }
        return .intact(rows: checked)
    }

    /// Deletes entries older than `days` (oldest first); the chain stays verifiable from the
    /// oldest entry kept.
    @discardableResult
    public func applyRetention(days: Int) async throws -> Int {
        try await self.pool.withTransaction { connection in
            try await connection.executeScript("SET LOCAL haven.audit_retention = 'on'")
            return try await connection.execute(
                "DELETE FROM audit_log WHERE occurred_at < now() - make_interval(days => \(Int32(days)))"
            )
        }
    }
}
