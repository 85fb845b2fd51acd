import Foundation
import Logging
import NIOCore
import OpenSSLTLS
import PostgresClient

extension DataExports {
    /// Prepares every export waiting (and any whose preparation died with its instance), one at a
    /// time: each is claimed with `FOR UPDATE SKIP LOCKED`, so several instances share the work
    /// without doing any twice. Returns how many were prepared. Tests call it directly.
    @discardableResult
    public func prepareDue(now: Date? = nil) async throws -> Int {
        var prepared = 0
        while let claimed = try await self.claim(now: now ?? self.configuration.clock()) {
            let (id, account) = claimed
            do {
                try await self.prepare(id, of: account, now: now)
                prepared += 1
            } catch {
                self.logger.error("data export failed", metadata: ["export": "\(id)", "error": "\(error)"])
                try await self.pool.withTransaction { connection in
                    try await self.shred(id, on: connection)
                    try await connection.execute("UPDATE data_exports SET state = 'failed' WHERE id = \(id) AND state = 'preparing'")
                    try await self.audit.record(
                        AuditEvent(actor: nil, action: "data-export.fail", target: "export:\(id)", outcome: .failure), on: connection
                    )
                }
            }
        }
        return prepared
    }

    /// Takes the oldest export waiting to be prepared, or one whose preparation started more than
    /// `preparationTimeout` ago.
    func claim(now: Date) async throws -> (UUID, UUID)? {
        let stale = now.addingTimeInterval(-self.configuration.preparationTimeout)
        return try await self.pool.withTransaction { connection in
            // data_exports_due
            let row = try await connection.query(
                """
                UPDATE data_exports SET state = 'preparing', started_at = \(now), done = 0, total = 0
                WHERE id = (SELECT id FROM data_exports WHERE state = 'queued' OR (state = 'preparing' AND started_at < \(stale))
                            ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING id, account_id
                """
            ).first
            guard let row else { return nil }
            let (id, account) = try row.decode((UUID, UUID).self)
            // A preparation started again begins from nothing.
            try await self.shred(id, on: connection)
            return (id, account)
        }
    }

    /// Writes `account`'s archive into sealed chunks under a fresh data key, reporting progress
    /// after each part, then makes it ready and tells the member.
    func prepare(_ id: UUID, of account: UUID, now: Date?) async throws {
        let dataKey = SecureRandom.bytes(AESGCM.keyByteCount)
        let current = self.keys.current
        try await self.pool.execute(
            """
            INSERT INTO data_export_keys (export_id, key_id, wrapped_key) VALUES (\(id), \(current.id), \(try current.wrap(dataKey, export: id)))
            """
        )
        let parts = Self.parts(of: account)
        let versions = try await self.uploadedVersions(of: account)
        // manifest.json, the parts, notification_preferences.json, and each document version.
        let total = parts.count + 2 + versions.count
        var done = 0
        func progress() async throws {
            done += 1
            try await self.pool.execute("UPDATE data_exports SET done = \(done), total = \(total) WHERE id = \(id)")
        }
        try await self.pool.execute("UPDATE data_exports SET total = \(total) WHERE id = \(id)")

        let chunkSize = self.configuration.chunkSize
        var pending = ByteBuffer()
        pending.reserveCapacity(chunkSize)
        var sealed = ByteBuffer()
        var chunks = 0
        var size: Int64 = 0
        var zip = ZipStream()
        let pool = self.pool

        func flush(final: Bool) async throws {
            sealed.clear()
            try AESGCM.seal(pending, key: dataKey, authenticatedData: Self.chunkContext(export: id, chunk: chunks, final: final), appendingTo: &sealed)
            try await pool.execute("INSERT INTO data_export_chunks (export_id, number, sealed) VALUES (\(id), \(chunks), \(sealed))")
            chunks += 1
            pending.clear()
        }
        // The archive's bytes, as the ZIP writer makes them, cut into chunks; a full chunk is
        // sealed only once more bytes come, so that the last one is known as last.
        func emit(_ bytes: ByteBuffer) async throws {
            var bytes = bytes
            size += Int64(bytes.readableBytes)
            while bytes.readableBytes > 0 {
                if pending.readableBytes == chunkSize { try await flush(final: false) }
                var slice = bytes.readSlice(length: min(bytes.readableBytes, chunkSize - pending.readableBytes)) ?? ByteBuffer()
                pending.writeBuffer(&slice)
            }
        }
        func file(_ name: String, _ text: String, modified: Date) async throws {
            try await emit(zip.beginEntry(name, modified: modified))
            let bytes = ByteBuffer(string: text.hasSuffix("\n") ? text : text + "\n")
            zip.write(bytes)
            try await emit(bytes)
            try await emit(zip.endEntry())
            try await progress()
        }

        let generated = now ?? self.configuration.clock()
        let manifest: [String: Any] = [
            "account_id": account.uuidString.lowercased(), "export_id": id.uuidString.lowercased(),
            "generated_at": generated.formatted(.iso8601),
            "files": ["manifest.json"] + parts.map(\.name) + ["notification_preferences.json", "documents/<document id>/<version>/<file name>"],
            "about": "Everything Haven holds about you: your profile, organisations, groups, sessions, API tokens (names and dates), posts "
                + "and their revisions, your pseudonyms in pseudonymous categories, reactions, bookmarks, reports, follows, topics read, documents you uploaded (each version, as you uploaded it), "
                + "notifications and their settings, consultation contributions you wrote, event registrations, and the audit log's records "
                + "of what you did and what was done to your account. No passwords, second-factor secrets, tokens or recovery codes.",
        ]
        try await file("manifest.json", String(decoding: try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self), modified: generated)
        for part in parts {
            let row = try await pool.query(part.query).first
            let text = try row?.decode(column: 0, as: String?.self) ?? nil
            try await file(part.name, text ?? "null", modified: generated)
        }
        try await file("notification_preferences.json", try await self.preferencesJSON(of: account), modified: generated)
        for (document, version, filename) in versions {
            guard let stored = try await self.documents.storedVersions(of: document).first(where: { $0.version.version == version }) else {
                try await progress()
                continue  // purged since it was listed
            }
            let download = DocumentDownload(
                document: document, version: stored.version, bytes: stored.version.size > 0 ? 0...(stored.version.size - 1) : nil,
                partial: false, chunkSize: stored.chunkSize, chunkCount: stored.chunkCount,
                dataKey: try self.keys.key(id: stored.keyID).unwrap(stored.wrappedKey, document: document, version: version)
            )
            try await emit(zip.beginEntry("documents/\(document.uuidString.lowercased())/\(version)/\(filename)", modified: stored.version.createdAt))
            try await self.documents.stream(download) { bytes in
                zip.write(bytes)
                try await emit(bytes)
            }
            try await emit(zip.endEntry())
            try await progress()
        }
        try await emit(zip.finish())
        try await flush(final: true)

        let readyAt = now ?? self.configuration.clock()
        try await self.pool.withTransaction { connection in
            let changed = try await connection.execute(
                """
                UPDATE data_exports SET state = 'ready', ready_at = \(readyAt), expires_at = \(readyAt.addingTimeInterval(self.configuration.retention)),
                    done = total, size = \(size), chunk_size = \(chunkSize), chunk_count = \(chunks)
                WHERE id = \(id) AND state = 'preparing'
                """
            )
            guard changed == 1 else { throw DataExportError.gone }
            try await self.notifications.record(Notice(.dataExportReady, to: [account], about: .init(.export, id)), on: connection)
            try await self.audit.record(
                AuditEvent(actor: nil, action: "data-export.ready", target: "export:\(id)", details: ["account": account.uuidString.lowercased()]),
                on: connection
            )
        }
    }

    /// What each chunk's seal authenticates besides its bytes: which export and chunk it is and
    /// whether it is the last, so chunks cannot be swapped, reordered or cut off.
    static func chunkContext(export: UUID, chunk: Int, final: Bool) -> [UInt8] {
        var context = Array("haven export chunk".utf8)
        withUnsafeBytes(of: export.uuid) { context += $0 }
        withUnsafeBytes(of: UInt32(chunk).bigEndian) { context += $0 }
        context.append(final ? 1 : 0)
        return context
    }
}
