import Foundation
import Logging
import NIOCore
import OpenSSLTLS
import PostgresClient

extension Documents {
    /// Stores a new document from the stream of its file's bytes. Nothing is visible until the
    /// whole file is in, its type accepted and the transaction committed: a client that goes
    /// away, a refused type or a limit reached rolls everything back.
    public func upload<Body: AsyncSequence>(
        _ draft: DocumentDraft, filename: String, body: Body, by actor: Actor, client: ClientInfo? = nil
    ) async throws -> Document where Body.Element == ByteBuffer {
        let draft = try draft.validated()
        let filename = Self.cleanFilename(filename)
        let rules = try await self.rules(for: draft.space)
        try Access.require(actor, .uploadDocument(rules))
        try await self.requireSpaceExists(draft.space)
        // Only an organisation of one's own may be named as the author.
        if let organisation = draft.organisationId, Access.decide(actor, .readOrganisationMembers(id: organisation)) != .allow {
            throw AccountError.forbidden
        }
        let (document, version) = try await self.pool.withTransaction { connection in
            let id = try await connection.query(
                """
                INSERT INTO documents (space_kind, space_id, titles, descriptions, language, thematic_areas, organisation_id, licence, tags,
                                       uploader_id, search_vector)
                VALUES (\(draft.space.kind), \(draft.space.id), \(Forums.json(draft.titles))::jsonb, \(Forums.json(draft.descriptions))::jsonb,
                        \(draft.language), \(draft.thematicAreas), \(draft.organisationId), \(draft.licence), \(draft.tags), \(actor.accountID),
                        forum_search_vector(\(draft.language), \(draft.titles.values.sorted().joined(separator: " ")),
                                            \((draft.descriptions.values.sorted() + draft.tags).joined(separator: " "))))
                RETURNING id
                """
            ).first?.decode(column: 0, as: UUID.self)
            guard let id else { throw AccountError.notFound }
            let version = try await self.storeVersion(
                document: id, number: 1, space: draft.space, filename: filename, body: body, by: actor, client: client, on: connection
            )
            return (try await self.storedDocument(id, on: connection), version)
        }
        guard let document else { throw AccountError.notFound }
        return self.view(document, versions: [version], rules: rules, for: actor)
    }

    /// Stores a new version of a document from the stream of its file's bytes (all or nothing,
    /// like `upload`). One version of a document is uploaded at a time.
    public func uploadVersion<Body: AsyncSequence>(
        of id: UUID, filename: String, body: Body, by actor: Actor, client: ClientInfo? = nil
    ) async throws -> Document where Body.Element == ByteBuffer {
        let (stored, rules) = try await self.newVersionTarget(of: id, by: actor)
        let filename = Self.cleanFilename(filename)
        let all = try await self.pool.withTransaction { connection in
            // One upload per document at a time: the version number is taken under this lock.
            let locked = try await connection.query("SELECT pg_try_advisory_xact_lock(hashtextextended(\(id.uuidString), 8))")
                .first?.decode(column: 0, as: Bool.self)
            guard locked == true else { throw DocumentError.uploadInProgress }
            let last = try await connection.query("SELECT coalesce(max(version), 0)::int FROM document_versions WHERE document_id = \(id)")
                .first?.decode(column: 0, as: Int32.self) ?? 0
            _ = try await self.storeVersion(
                document: id, number: Int(last) + 1, space: stored.space, filename: filename, body: body, by: actor, client: client,
                on: connection
            )
            return try await self.storedVersions(of: id, on: connection).map(\.version)
        }
        guard let document = try await self.storedDocument(id) else { throw AccountError.notFound }
        return self.view(document, versions: all, rules: rules, for: actor)
    }

    /// Refuses, before any byte is read, a new version the actor may not upload: of a document
    /// they cannot see (404), or that is not theirs to change (403), or that is deleted.
    public func authoriseNewVersion(of id: UUID, by actor: Actor) async throws {
        _ = try await self.newVersionTarget(of: id, by: actor)
    }

    /// The document a new version goes to, and its space's rules, once `authoriseNewVersion` would pass.
    func newVersionTarget(of id: UUID, by actor: Actor) async throws -> (StoredDocument, DocumentSpaceRules) {
        let (stored, _, rules) = try await self.readable(id, for: actor)
        try Access.require(actor, .changeDocument(rules, uploader: stored.uploaderId))
        guard !stored.deleted else { throw AccountError.invalidInput("The document is deleted.") }
        return (stored, rules)
    }

    /// Streams `body` into sealed chunks of `document` version `number`, decides its type from the
    /// bytes, and records the version (pending unless the uploader is staff or the space is not
    /// vetted) and the upload in the audit log. Runs inside the caller's transaction.
    func storeVersion<Body: AsyncSequence>(
        document: UUID, number: Int, space: DocumentSpace, filename: String, body: Body, by actor: Actor, client: ClientInfo?,
        on connection: PostgresConnection
    ) async throws -> DocumentVersion where Body.Element == ByteBuffer {
        let quota = self.configuration.quotaPerMember
        let used = try await self.storedBytes(of: actor.accountID, on: connection)
        guard used < quota else { throw DocumentError.quotaExceeded(limit: quota) }
        let limit = min(self.configuration.maximumFileSize, quota - used)
        func overLimit() -> DocumentError {
            limit == self.configuration.maximumFileSize ? .tooLarge(limit: limit) : .quotaExceeded(limit: quota)
        }

        let dataKey = SecureRandom.bytes(AESGCM.keyByteCount)
        let chunkSize = self.configuration.chunkSize
        let hasher = SHA256()
        var sniffer = ContentSniffer(limits: self.configuration.zipLimits)
        var pending = ByteBuffer()
        pending.reserveCapacity(chunkSize)
        var sealed = ByteBuffer()
        sealed.reserveCapacity(chunkSize + AESGCM.nonceByteCount + AESGCM.tagByteCount)
        var size: Int64 = 0
        var chunks = 0

        func flush(final: Bool) async throws {
            sealed.clear()
            try AESGCM.seal(
                pending, key: dataKey, authenticatedData: Self.chunkContext(document: document, version: number, chunk: chunks, final: final),
                appendingTo: &sealed
            )
            try await connection.execute(
                "INSERT INTO document_chunks (document_id, version, number, sealed) VALUES (\(document), \(number), \(chunks), \(sealed))"
            )
            chunks += 1
            pending.clear()
        }

        // Every byte goes through the digest, the type check, the antivirus (if any) and into
        // sealed chunks, as it arrives.
        func consume(_ hasher: borrowing SHA256, _ scan: (ByteBuffer) async throws -> Void) async throws {
            for try await var buffer in body {
                size += Int64(buffer.readableBytes)
                guard size <= limit else { throw overLimit() }
                buffer.withUnsafeReadableBytes { bytes in
                    hasher.update(bytes)
                    sniffer.update(bytes)
                }
                try await scan(buffer)
                while buffer.readableBytes > 0 {
                    // A full chunk is sealed only once more bytes arrive, so the last one is known as last.
                    if pending.readableBytes == chunkSize { try await flush(final: false) }
                    var slice = buffer.readSlice(length: min(buffer.readableBytes, chunkSize - pending.readableBytes)) ?? ByteBuffer()
                    pending.writeBuffer(&slice)
                }
            }
        }
        if let scanner = self.configuration.virusScanner {
            if case .infected(let signature) = try await scanner.scan({ send in try await consume(hasher, send) }) {
                // Recorded apart from the upload, which is rolled back.
                self.logger.warning("refused an infected upload", metadata: ["signature": "\(signature)", "document": "\(document)"])
                try await self.audit.record(
                    AuditEvent(actor: actor.accountID, action: "document.infected", target: "document:\(document)", outcome: .denied,
                               details: ["signature": signature, "size": String(size)])
                )
                throw DocumentError.infected(signature: signature)
            }
        } else {
            try await consume(hasher) { _ in }
        }
        try await flush(final: true)

        let type: DocumentType
        switch sniffer.finish() {
        case .accepted(let accepted): type = accepted
        case .refused(let detected): throw DocumentError.refusedType(detected: detected)
        }
        let vetted = try await self.isVetted(space, on: connection) && Access.decide(actor, .vetDocuments(.library)) != .allow
        let state: DocumentVersion.State = vetted ? .pending : .approved
        let digest = hasher.finalize()
        // In a pseudonymous category's space the uploader is named by a pseudonym on this document.
        // The category row is held until commit, so its setting cannot change under this upload.
        var pseudonym: String?
        if case .category(let category) = space {
            let pseudonymous = try await connection.query("SELECT pseudonymous FROM forum_categories WHERE id = \(category) FOR SHARE")
                .first?.decode(column: 0, as: Bool.self)
            if pseudonymous != false {
                pseudonym = try await Forums.pseudonym(for: actor.accountID, in: .document(document), on: connection)
            }
        }
        let row = try await connection.query(
            """
            INSERT INTO document_versions (document_id, version, state, filename, type, media_type, size, sha256, chunk_size, chunk_count,
                                           key_id, wrapped_key, uploaded_by, decided_by, decided_at)
            VALUES (\(document), \(number), \(state.rawValue), \(filename), \(type.rawValue), \(type.mediaType), \(Int(size)), \(digest),
                    \(chunkSize), \(chunks), \(self.keys.current.id), \(try self.keys.current.wrap(dataKey, document: document, version: number)),
                    \(actor.accountID), \(vetted ? nil : actor.accountID), \(vetted ? nil : Date()))
            RETURNING created_at
            """
        ).first?.decode(column: 0, as: Date.self)
        if state == .approved {
            try await connection.execute(
                "UPDATE documents SET published_version = greatest(published_version, \(number)) WHERE id = \(document)"
            )
        } else {
            try await self.forums.notifications.recordForModerators(.init(.document, document), except: actor.accountID, on: connection)
        }
        // Uploads of one member run one at a time from here, so two cannot both slip under the quota.
        try await connection.execute("SELECT pg_advisory_xact_lock(hashtextextended(\(actor.accountID.uuidString), 9))")
        guard try await self.storedBytes(of: actor.accountID, on: connection) <= quota else { throw DocumentError.quotaExceeded(limit: quota) }
        try await self.audit.record(
            AuditEvent(
                actor: actor.accountID, action: "document.upload", target: "document:\(document)", addressPrefix: client?.addressPrefix ?? "",
                details: ["version": String(number), "type": type.rawValue, "size": String(size), "state": state.rawValue]
            ),
            on: connection
        )
        return DocumentVersion(
            version: number, state: state, filename: filename, type: type, mediaType: type.mediaType, size: size, sha256: Self.hex(digest),
            uploadedBy: actor.accountID, createdAt: row ?? Date(), decidedAt: vetted ? nil : row, reason: nil, uploadedByPseudonym: pseudonym
        )
    }

    /// Bytes stored for a member's uploaded versions, for the quota.
    func storedBytes(of account: UUID, on connection: PostgresConnection) async throws -> Int64 {
        // document_versions_uploader
        let total = try await connection.query(
            "SELECT coalesce(sum(size), 0)::bigint FROM document_versions WHERE uploaded_by = \(account)"
        ).first?.decode(column: 0, as: Int.self)
        return Int64(total ?? 0)
    }

    /// What each chunk's seal authenticates besides its bytes: which document, version and chunk
    /// it is and whether it is the last, so chunks cannot be swapped, reordered or cut off.
    static func chunkContext(document: UUID, version: Int, chunk: Int, final: Bool) -> [UInt8] {
        var context = withUnsafeBytes(of: document.uuid) { Array($0) }
        withUnsafeBytes(of: UInt32(version).bigEndian) { context += $0 }
        withUnsafeBytes(of: UInt32(chunk).bigEndian) { context += $0 }
        context.append(final ? 1 : 0)
        return context
    }

    /// A file name fit to keep and to offer back: the last path component, without control or
    /// format characters, trimmed, at most 255 characters; "document" when nothing is left.
    static func cleanFilename(_ name: String) -> String {
        let base = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(String.UnicodeScalarView(base.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }))
            .trimmingCharacters(in: .blank)
        guard !cleaned.isEmpty, cleaned != ".", cleaned != ".." else { return "document" }
        return String(cleaned.prefix(255))
    }

    /// Refuses uploads into a group or organisation that does not exist (a category that does not
    /// exist is already hidden by the access policy).
    func requireSpaceExists(_ space: DocumentSpace) async throws {
        let exists: Bool?
        switch space {
        case .library, .category: return
        case .group(let id):
            exists = try await self.pool.query("SELECT EXISTS (SELECT 1 FROM groups WHERE id = \(id))").first?.decode(column: 0, as: Bool.self)
        case .organisation(let id):
            exists = try await self.pool.query("SELECT EXISTS (SELECT 1 FROM organisations WHERE id = \(id) AND status = 'active')")
                .first?.decode(column: 0, as: Bool.self)
        }
        guard exists == true else { throw AccountError.notFound }
    }
}
