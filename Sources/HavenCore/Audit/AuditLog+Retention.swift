import Foundation
import PostgresClient

/// Retention could not run.
public enum AuditRetentionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Checkpoints are signed with the server secret, and this log was built without it.
    case serverSecretMissing

    public var description: String {
        switch self {
        case .serverSecretMissing: "audit retention needs the server secret to sign its checkpoint"
        }
    }
}

extension AuditLog {
    /// Rows removed per transaction, each with its own checkpoint.
    static let purgeBatchSize = 10_000

    /// Deletes the oldest entries written before `cutoff` (a prefix of the chain: never a row
    /// after one that is kept), in batches, each leaving a signed checkpoint in its transaction.
    /// - Returns: the number of entries removed.
    @discardableResult
    public func purge(before cutoff: Date) async throws -> Int {
        guard let secret = self.secret else { throw AuditRetentionError.serverSecretMissing }
        var removed = 0
        while true {
            let batch = try await self.pool.withTransaction { connection -> Int in
                try await connection.executeScript("SET LOCAL haven.audit_retention = 'on'")
                // Instances purging at once take turns; the later one finds the prefix gone.
                try await connection.execute("SELECT pg_advisory_xact_lock(hashtext('haven.audit_retention'))")
                // The prefix ends before the first row young enough to keep (audit_log_occurred).
                let last = try await connection.query(
                    """
                    WITH boundary AS (
                        SELECT coalesce((SELECT min(position) FROM audit_log WHERE occurred_at >= \(cutoff)),
                                        (SELECT position + 1 FROM audit_head)) AS position
                    )
                    SELECT l.position, l.hash, (extract(epoch FROM l.occurred_at) * 1000000)::bigint,
                           (extract(epoch FROM now()) * 1000000)::bigint
                    FROM audit_log l, boundary b
                    WHERE l.position < b.position AND l.position < (SELECT min(position) FROM audit_log) + \(Self.purgeBatchSize)
                    ORDER BY l.position DESC LIMIT 1
                    """
                ).first?.decode((Int, [UInt8], Int64, Int64).self)
                guard let last else { return 0 }
                let position = last.0
                var checkpoint = AuditCheckpoint(
                    position: position, hash: last.1, occurredAtMicroseconds: last.2, createdAtMicroseconds: last.3, signature: []
                )
                checkpoint.signature = AuditCheckpoint.signature(of: checkpoint, by: secret)
                try await connection.execute(
                    """
                    INSERT INTO audit_checkpoints (position, hash, occurred_at, created_at, signature)
                    SELECT position, hash, occurred_at, now(), \(checkpoint.signature) FROM audit_log WHERE position = \(position)
                    """
                )
                return try await connection.execute("DELETE FROM audit_log WHERE position <= \(position)")
            }
            removed += batch
            if batch < Self.purgeBatchSize { return removed }
        }
    }

    /// Clears the source addresses kept outside the chain from entries written before `cutoff`.
    /// - Returns: the number of entries changed.
    public func clearAddresses(before cutoff: Date) async throws -> Int {
        try await self.pool.withTransaction { connection in
            try await connection.executeScript("SET LOCAL haven.audit_retention = 'on'")
            // audit_log_unchained_addresses
            return try await connection.execute(
                """
                UPDATE audit_log SET address_prefix = ''
                WHERE address_prefix <> '' AND NOT address_chained AND occurred_at < \(cutoff)
                """
            )
        }
    }

    /// The checkpoint verification starts from: the newest.
    func newestCheckpoint(on connection: PostgresConnection) async throws -> AuditCheckpoint? {
        let row = try await connection.query(
            """
            SELECT position, hash, (extract(epoch FROM occurred_at) * 1000000)::bigint,
                   (extract(epoch FROM created_at) * 1000000)::bigint, signature
            FROM audit_checkpoints ORDER BY position DESC LIMIT 1
            """
        ).first?.decode((Int, [UInt8], Int64, Int64, [UInt8]).self)
        return row.map {
            AuditCheckpoint(position: $0.0, hash: $0.1, occurredAtMicroseconds: $0.2, createdAtMicroseconds: $0.3, signature: $0.4)
        }
    }
}
