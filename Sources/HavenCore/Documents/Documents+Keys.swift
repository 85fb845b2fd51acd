import Foundation
import PostgresClient

extension Documents {
    /// Re-wraps every data key not yet under the current master key (unwrapping with a previous
    /// one), a batch per transaction, reporting (done, total) after each. Returns how many.
    @discardableResult
    public func rotateMasterKey(progress: (Int, Int) -> Void = { _, _ in }) async throws -> Int {
        let current = self.keys.current
        // document_versions_key
        let total = try await self.pool.query("SELECT count(*)::int FROM document_versions WHERE key_id <> \(current.id)")
            .first?.decode(column: 0, as: Int32.self) ?? 0
        var done = 0
        progress(0, Int(total))
        while true {
            let count = try await self.pool.withTransaction { connection in
                let rows = try await connection.query(
                    """
                    SELECT document_id, version, key_id, wrapped_key FROM document_versions WHERE key_id <> \(current.id)
                    LIMIT 200 FOR UPDATE SKIP LOCKED
                    """
                )
                for row in rows {
                    let (document, version, keyID, wrapped) = try row.decode((UUID, Int32, String, [UInt8]).self)
                    let dataKey = try self.keys.key(id: keyID).unwrap(wrapped, document: document, version: Int(version))
                    try await connection.execute(
                        """
                        UPDATE document_versions SET key_id = \(current.id), wrapped_key = \(try current.wrap(dataKey, document: document, version: Int(version)))
                        WHERE document_id = \(document) AND version = \(version)
                        """
                    )
                }
                return rows.count
            }
            guard count > 0 else { break }
            done += count
            progress(done, Int(total))
        }
        if done > 0 {
            try await self.audit.record(AuditEvent(actor: nil, action: "document.rotate-master-key", target: "key:\(current.id)", details: ["rewrapped": String(done)]))
        }
        return done
    }
}
