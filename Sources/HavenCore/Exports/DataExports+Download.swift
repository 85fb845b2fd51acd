import Foundation
import NIOCore
import OpenSSLTLS
import PostgresClient

extension DataExports {
    /// Claims the actor's export for its one download: from then on it is `downloaded`, and a
    /// second attempt is `gone`, as is an export past its time (shredded here if `expireDue` has
    /// not yet). Not ready yet: `notReady`. Another member's export: not found. Audited.
    public func download(_ id: UUID, for actor: Actor) async throws -> DataExportDownload {
        try Access.require(actor, .useOwnAccount)
        let now = self.configuration.clock()
        let claimed: DataExportDownload? = try await self.pool.withTransaction { connection in
            let row = try await connection.query(
                "SELECT state, expires_at, size, chunk_count FROM data_exports WHERE id = \(id) AND account_id = \(actor.accountID) FOR UPDATE"
            ).first
            guard let row else { throw AccountError.notFound }
            let (state, expires, size, chunkCount) = try row.decode((String, Date?, Int64?, Int32?).self)
            switch DataExport.State(rawValue: state) {
            case .queued, .preparing: throw DataExportError.notReady
            case .ready: break
            default: throw DataExportError.gone
            }
            guard let expires, expires > now, let size, let chunkCount else {
                try await self.expire(id, on: connection)
                return nil
            }
            let key = try await connection.query("SELECT key_id, wrapped_key FROM data_export_keys WHERE export_id = \(id)").first
            guard let key else { throw DataExportError.gone }
            let (keyID, wrapped) = try key.decode((String, [UInt8]).self)
            let dataKey = try self.keys.key(id: keyID).unwrap(wrapped, export: id)
            try await connection.execute("UPDATE data_exports SET state = 'downloaded', downloaded_at = \(now) WHERE id = \(id)")
            try await self.audit.record(AuditEvent(actor: actor.accountID, action: "data-export.download", target: "export:\(id)"), on: connection)
            return DataExportDownload(id: id, size: size, chunkCount: Int(chunkCount), dataKey: dataKey)
        }
        guard let claimed else { throw DataExportError.gone }
        return claimed
    }

    /// The size of the actor's export if it could be downloaded now, refused as `download` would
    /// refuse it, without claiming it: a HEAD request must not use up the one download.
    public func downloadable(_ id: UUID, for actor: Actor) async throws -> Int64 {
        let export = try await self.export(id, for: actor)
        switch export.state {
        case .queued, .preparing: throw DataExportError.notReady
        case .ready:
            guard let expires = export.expiresAt, expires > self.configuration.clock(), let size = export.size else { throw DataExportError.gone }
            return size
        case .downloaded, .expired, .failed: throw DataExportError.gone
        }
    }

    /// Streams a claimed archive to `write`, a chunk at a time (authenticated and decrypted),
    /// then shreds it, whether the download finished or not: it was the one download.
    public func stream(_ download: DataExportDownload, into write: (ByteBuffer) async throws -> Void) async throws {
        do {
            for number in 0..<download.chunkCount {
                let row = try await self.pool.query(
                    "SELECT sealed FROM data_export_chunks WHERE export_id = \(download.id) AND number = \(number)"
                ).first
                guard var sealed = try row?.decode(column: 0, as: ByteBuffer.self) else { throw DataExportError.gone }
                let context = Self.chunkContext(export: download.id, chunk: number, final: number == download.chunkCount - 1)
                try await write(try AESGCM.openInPlace(&sealed, key: download.dataKey, authenticatedData: context))
            }
        } catch {
            try? await self.shred(download.id)
            throw error
        }
        try await self.shred(download.id)
    }

    /// Marks every ready export past its time expired and shreds it; shreds too what an
    /// interrupted download or preparation left behind. Returns how many expired.
    @discardableResult
    public func expireDue(now: Date? = nil) async throws -> Int {
        let now = now ?? self.configuration.clock()
        let stale = now.addingTimeInterval(-self.configuration.preparationTimeout)
        return try await self.pool.withTransaction { connection in
            // data_exports_expiring
            let expired = try await connection.query(
                "SELECT id FROM data_exports WHERE state = 'ready' AND expires_at <= \(now) ORDER BY expires_at FOR UPDATE SKIP LOCKED"
            ).map { try $0.decode(column: 0, as: UUID.self) }
            for id in expired { try await self.expire(id, on: connection) }
            try await connection.execute(
                """
                DELETE FROM data_export_keys k USING data_exports e
                WHERE e.id = k.export_id AND (e.state IN ('expired', 'failed') OR (e.state = 'downloaded' AND e.downloaded_at < \(stale)))
                """
            )
            return expired.count
        }
    }

    /// Marks one export expired, shreds it and audits it, on `connection`.
    func expire(_ id: UUID, on connection: PostgresConnection) async throws {
        try await self.shred(id, on: connection)
        try await connection.execute("UPDATE data_exports SET state = 'expired' WHERE id = \(id)")
        try await self.audit.record(AuditEvent(actor: nil, action: "data-export.expire", target: "export:\(id)"), on: connection)
    }
}
