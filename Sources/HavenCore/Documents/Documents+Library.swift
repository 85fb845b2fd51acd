import Foundation
import PostgresClient

extension Documents {
    /// Narrows a document listing; every field is optional.
    public struct Filter: Sendable, Equatable {
        /// `library`, `category`, `group` or `organisation`.
        public var spaceKind: String?
        /// One category, group or organisation (with `spaceKind`; the library has no id).
        public var spaceId: UUID?
        public var language: String?
        public var tag: String?
        public var thematicArea: String?
        public var organisationId: UUID?
        /// Words to find in titles, descriptions and tags, in any of the six languages.
        public var query: String?

        public init(
            spaceKind: String? = nil, spaceId: UUID? = nil, language: String? = nil, tag: String? = nil, thematicArea: String? = nil,
            organisationId: UUID? = nil, query: String? = nil
        ) {
            self.spaceKind = spaceKind
            self.spaceId = spaceKind == "library" ? nil : spaceId
            self.language = language
            self.tag = tag
            self.thematicArea = thematicArea
            self.organisationId = organisationId
            self.query = query
        }
    }

    /// Documents the viewer may see, newest first, a page at a time (keyset on the id).
    public func list(_ filter: Filter, after cursor: String?, for actor: Actor) async throws -> Page<Document> {
        try Access.require(actor, .readDocumentSpace(.library))
        let after = try cursor.map { cursor throws(AccountError) in
            guard let id = UUID(uuidString: cursor) else { throw .invalidInput("The cursor is not one this server gave.") }
            return id
        }
        if let kind = filter.spaceKind, let space = DocumentSpace(kind: kind, id: filter.spaceId) {
            try Access.require(actor, .readDocumentSpace(try await self.rules(for: space)))
        }
        // What the policy lets the viewer see, as lists the query can use: every category, group
        // and organisation space the viewer sees, and whether unapproved documents show.
        let allCategories = try await self.forums.storedCategories()
        let categories = try await self.forums.visibleCategoryIDs(for: actor, among: allCategories)
        let everyGroup = Access.decide(actor, .readDocumentSpace(.group(UUID()))) == .allow
        let everyOrganisation = Access.decide(actor, .readDocumentSpace(.organisation(UUID()))) == .allow
        let unapproved = Access.decide(actor, .readDocument(.library, uploader: nil, approved: false, deleted: false)) == .allow
        let limit = self.configuration.pageSize
        let query = filter.query?.trimmingCharacters(in: .blank)
        let rows = try await self.pool.query(
            """
            SELECT \(fragment: Self.documentColumns)
            FROM documents d
            WHERE d.deleted_at IS NULL AND (\(after)::uuid IS NULL OR d.id < \(after))
              AND (d.space_kind = 'library'
                   OR (d.space_kind = 'category' AND d.space_id = ANY(\(categories)))
                   OR (d.space_kind = 'group' AND (\(everyGroup) OR d.space_id = ANY(\(Array(actor.groups)))))
                   OR (d.space_kind = 'organisation' AND (\(everyOrganisation) OR d.space_id = ANY(\(Array(actor.memberships.keys))))))
              AND (d.published_version > 0 OR \(unapproved) OR d.uploader_id = \(actor.accountID))
              AND (\(filter.spaceKind)::text IS NULL OR d.space_kind = \(filter.spaceKind))
              AND (\(filter.spaceId)::uuid IS NULL OR d.space_id = \(filter.spaceId))
              AND (\(filter.language)::text IS NULL OR d.language = \(filter.language))
              AND (\(filter.tag?.lowercased())::text IS NULL OR \(filter.tag?.lowercased()) = ANY(d.tags))
              AND (\(filter.thematicArea)::text IS NULL OR \(filter.thematicArea) = ANY(d.thematic_areas))
              AND (\(filter.organisationId)::uuid IS NULL OR d.organisation_id = \(filter.organisationId))
              AND (coalesce(\(query), '') = '' OR d.search_vector @@ forum_search_query(\(query), NULL::text))
            ORDER BY d.id DESC LIMIT \(limit + 1)
            """
        )
        let documents = try rows.map(Self.storedDocument(from:))
        let page = Array(documents.prefix(limit))
        let versions = try await self.versionsByDocument(page.map(\.id))
        var items: [Document] = []
        for document in page {
            let rules = try await self.rules(for: document.space, categories: allCategories)
            let view = self.view(document, versions: versions[document.id] ?? [], rules: rules, for: actor)
            if view.latest != nil { items.append(view) }
        }
        return Page(items: items, next: documents.count > limit ? page.last?.id.uuidString.lowercased() : nil)
    }

    /// One document as the viewer sees it.
    public func document(_ id: UUID, for actor: Actor) async throws -> Document {
        let (document, versions, rules) = try await self.readable(id, for: actor)
        return self.view(document, versions: versions, rules: rules, for: actor)
    }

    /// The versions of a document the viewer may read, newest first.
    public func versions(of id: UUID, for actor: Actor) async throws -> [DocumentVersion] {
        let (document, versions, rules) = try await self.readable(id, for: actor)
        let moderator = Access.decide(actor, .vetDocuments(rules)) == .allow
        return versions.filter { Self.mayRead($0, of: document, rules: rules, actor: actor) }.map { version in
            var version = version
            if version.uploadedBy != actor.accountID && !moderator { version.reason = nil }
            return Self.masked(version, rules: rules)
        }
    }

    /// Deletes a document softly: hidden at once, purged after the retention period.
    public func delete(_ id: UUID, by actor: Actor, client: ClientInfo? = nil) async throws {
        let (document, _, rules) = try await self.readable(id, for: actor)
        try Access.require(actor, .changeDocument(rules, uploader: document.uploaderId))
        guard !document.deleted else { return }
        try await self.pool.withTransaction { connection in
            try await connection.execute("UPDATE documents SET deleted_at = now(), deleted_by = \(actor.accountID) WHERE id = \(id)")
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "document.delete", target: "document:\(id)", addressPrefix: client?.addressPrefix ?? ""),
                on: connection
            )
        }
    }

    /// Removes, with their chunks and wrapped data keys (so nothing of them can be decrypted
    /// again), documents deleted and versions rejected more than the retention period ago.
    /// Returns the number of versions removed.
    @discardableResult
    /// - Parameter retentionDays: the period to apply (default: the configuration's)
    public func purge(now: Date = Date(), retentionDays: Int? = nil) async throws -> Int {
        let cutoff = now.addingTimeInterval(-Double(retentionDays ?? self.configuration.retentionDays) * 86_400)
        return try await self.pool.withTransaction { connection in
            let rows = try await connection.query(
                """
                WITH gone AS (
                    DELETE FROM document_versions v USING documents d
                    WHERE d.id = v.document_id
                      AND ((d.deleted_at IS NOT NULL AND d.deleted_at < \(cutoff)) OR (v.state = 'rejected' AND v.decided_at < \(cutoff)))
                    RETURNING v.document_id, v.version
                ), emptied AS (
                    DELETE FROM documents d
                    WHERE d.id IN (SELECT document_id FROM gone)
                      AND NOT EXISTS (SELECT 1 FROM document_versions v
                                      WHERE v.document_id = d.id AND (v.document_id, v.version) NOT IN (SELECT document_id, version FROM gone))
                    RETURNING d.id
                )
                SELECT (SELECT count(*)::int FROM gone), ARRAY(SELECT id FROM emptied)
                """
            )
            let (count, documents) = try rows.first?.decode((Int32, [UUID]).self) ?? (Int32(0), [])
            if count > 0 {
                try await self.audit.record(
                    AuditEvent(actor: nil, action: "document.purge", target: "documents",
                               details: ["versions": String(count), "documents": String(documents.count)]),
                    on: connection
                )
            }
            return Int(count)
        }
    }

    // MARK: Helpers

    /// The document and its versions, if the viewer may read at least one of them.
    func readable(_ id: UUID, for actor: Actor) async throws -> (StoredDocument, [DocumentVersion], DocumentSpaceRules) {
        guard let document = try await self.storedDocument(id) else { throw AccountError.notFound }
        let rules = try await self.rules(for: document.space)
        try Access.require(actor, .readDocumentSpace(rules))
        let versions = try await self.storedVersions(of: id).map(\.version)
        guard versions.contains(where: { Self.mayRead($0, of: document, rules: rules, actor: actor) }) else { throw AccountError.notFound }
        return (document, versions, rules)
    }

    /// The versions of several documents, by document.
    func versionsByDocument(_ ids: [UUID]) async throws -> [UUID: [DocumentVersion]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await self.pool.query(
            "SELECT v.document_id, \(fragment: Self.versionColumns) FROM document_versions v WHERE v.document_id = ANY(\(ids))"
        )
        var result: [UUID: [DocumentVersion]] = [:]
        for row in rows {
            result[try row.decode(column: 0, as: UUID.self), default: []].append(try Self.storedVersion(from: row, at: 1).version)
        }
        return result
    }
}
