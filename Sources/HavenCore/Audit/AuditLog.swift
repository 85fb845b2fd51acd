import Foundation
import OpenSSLTLS
import PostgresClient

/// The tamper-evident audit log. Each row carries the SHA-256 of the previous row's hash and its
/// own content, computed by the database as it appends (`audit_chain` in Schema/0003), so a
/// changed, removed or inserted row breaks the chain from there on. Rows cannot be updated or
/// deleted through the application (a trigger refuses), except by retention, oldest first,
/// which leaves a signed checkpoint that verification starts from (`AuditCheckpoint`).
public struct AuditLog: Sendable {
    let pool: PostgresPool
    /// Signs and checks checkpoints; without it, retention cannot run and a log with a
    /// checkpoint does not verify.
    let secret: ServerSecret?

    public init(pool: PostgresPool, secret: ServerSecret? = nil) {
        self.pool = pool
        self.secret = secret
    }

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
        /// Exactly this action.
        public var action: String?
        /// Actions starting with this (`account.` for every account action).
        public var actionPrefix: String?
        public var actor: UUID?
        /// This target, letter case aside (ids are written in either case).
        public var target: String?
        public var since: Date?
        public var until: Date?
        /// Only entries before this position (the previous page's last).
        public var before: Int?
        public var limit: Int

        public init(
            action: String? = nil, actor: UUID? = nil, target: String? = nil, since: Date? = nil, until: Date? = nil,
            before: Int? = nil, limit: Int = 100, actionPrefix: String? = nil
        ) {
            self.action = action
            self.actionPrefix = actionPrefix
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
              AND (\(filter.actionPrefix)::text IS NULL OR starts_with(action, \(filter.actionPrefix)))
              AND (\(filter.actor)::uuid IS NULL OR actor_id = \(filter.actor))
              AND (\(filter.target)::text IS NULL OR lower(target) = lower(\(filter.target)))
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

    /// Walks the chain from the newest checkpoint (or from the first row ever written), recomputing
    /// every hash: the oldest row kept must link to the checkpoint, whose signature must hold.
    /// One snapshot throughout: rows a running server appends or purges meanwhile do not look
    /// like tampering.
    public func verify() async throws -> Verification {
        try await self.pool.withTransaction(isolation: .repeatableRead) { connection in
            try await self.verify(on: connection)
        }
    }

    private func verify(on connection: PostgresConnection) async throws -> Verification {
        let checkpoint = try await self.newestCheckpoint(on: connection)
        if let checkpoint {
            guard let secret = self.secret else {
                return .broken(position: checkpoint.position, reason: "its checkpoint cannot be checked without the server secret")
            }
            guard checkpoint.isSigned(by: secret) else {
                return .broken(position: checkpoint.position, reason: "its checkpoint's signature does not match")
            }
        }
        var expectedPrevious = checkpoint?.hash ?? AuditCheckpoint.genesisHash
        var expectedPosition = (checkpoint?.position ?? 0) + 1
        var checked = 0
        var broken: Verification?
        try await connection.stream(
            """
            SELECT position, previous_hash, hash,
                   audit_content(position, occurred_at, actor_id, action, target, outcome,
                                 CASE WHEN address_chained THEN address_prefix ELSE '' END, details)
            FROM audit_log WHERE position > \(expectedPosition - 1) ORDER BY position
            """,
            batchSize: 256
        ) { row in
            guard broken == nil else { return }
            let (position, previous, hash, content) = try row.decode((Int, [UInt8], [UInt8], [UInt8]).self)
            if position != expectedPosition {
                let reason = checked == 0 && checkpoint == nil
                    ? "rows \(expectedPosition)…\(position - 1) are missing and no checkpoint accounts for them"
                    : "rows \(expectedPosition)…\(position - 1) are missing"
                broken = .broken(position: position, reason: reason)
            } else if previous != expectedPrevious {
                broken = .broken(
                    position: position,
                    reason: checked == 0 && checkpoint != nil ? "it does not link to the checkpoint" : "its link does not match the previous row's hash"
                )
            } else if SHA256.hash(previous + content) != hash {
                broken = .broken(position: position, reason: "its content does not match its hash")
            }
            expectedPrevious = hash
            expectedPosition = position + 1
            checked += 1
        }
        if let broken { return broken }
        // The head must point at the last row (or the checkpoint): rows removed from the end show here.
        let head = try await connection.query("SELECT position, hash FROM audit_head").first?.decode((Int, [UInt8]).self)
        if let head, head.0 > 0 || checkpoint != nil, head.0 != expectedPosition - 1 || head.1 != expectedPrevious {
            return .broken(position: head.0, reason: "the chain's head does not match the last row")
        }
        return .intact(rows: checked)
    }

    /// Deletes entries older than `days` (oldest first), leaving a signed checkpoint; the chain
    /// stays verifiable from it.
    @discardableResult
    public func applyRetention(days: Int, now: Date = Date()) async throws -> Int {
        try await self.purge(before: now.addingTimeInterval(-Double(days) * 86_400))
    }
}
