import Foundation
import Logging
import PostgresClient

/// Document libraries: uploads streamed into encrypted chunks, versions vetted by moderators,
/// downloads streamed back. Every operation asks `Access` first; what the viewer may not see is
/// reported as not found.
public struct Documents: Sendable {
    let pool: PostgresPool
    let audit: AuditLog
    let forums: Forums
    let keys: MasterKeyring
    public let configuration: DocumentsConfiguration
    let logger: Logger
    /// Downloads in progress, which share the read-ahead budget.
    let downloads = DownloadCounter()

    public init(
        pool: PostgresPool, keys: MasterKeyring, configuration: DocumentsConfiguration = DocumentsConfiguration(), forums: Forums,
        logger: Logger = Logger(label: "haven.documents")
    ) {
        self.pool = pool
        self.audit = AuditLog(pool: pool)
        self.forums = forums
        self.keys = keys
        self.configuration = configuration
        self.logger = logger
    }

    /// A document row as stored.
    struct StoredDocument: Sendable {
        var id: UUID
        var space: DocumentSpace
        var titles: [String: String]
        var descriptions: [String: String]
        var language: String
        var thematicAreas: [String]
        var organisationId: UUID?
        var licence: String
        var tags: [String]
        var uploaderId: UUID?
        var createdAt: Date
        var publishedVersion: Int
        var deleted: Bool
        /// The uploader's pseudonym on this document (a pseudonymous category's space only).
        var uploaderPseudonym: String?
    }

    /// A version row as stored, with what download needs.
    struct StoredVersion: Sendable {
        var version: DocumentVersion
        var chunkSize: Int
        var chunkCount: Int
        var keyID: String
        var wrappedKey: [UInt8]
    }

    /// The columns `storedDocument(from:)` decodes, from `d`.
    static let documentColumns: StaticString = """
        d.id, d.space_kind, d.space_id, d.titles::text, d.descriptions::text, d.language, d.thematic_areas, d.organisation_id,
        d.licence, d.tags, d.uploader_id, d.created_at, d.published_version, d.deleted_at IS NOT NULL,
        (SELECT dp.pseudonym FROM document_pseudonyms dp WHERE dp.document_id = d.id AND dp.account_id = d.uploader_id)
        """
    /// How many columns `documentColumns` has.
    static let documentColumnCount = 15

    /// The columns `storedVersion(from:at:)` decodes, from `v`.
    static let versionColumns: StaticString = """
        v.version, v.state, v.filename, v.type, v.media_type, v.size, v.sha256, v.uploaded_by, v.created_at, v.decided_at, v.reason,
        v.chunk_size, v.chunk_count, v.key_id, v.wrapped_key,
        (SELECT vp.pseudonym FROM document_pseudonyms vp WHERE vp.document_id = v.document_id AND vp.account_id = v.uploaded_by)
        """

    static func storedDocument(from row: PostgresRow) throws -> StoredDocument {
        let (id, kind, spaceID, titles, descriptions, language, areas, organisation, licence, tags, uploader, created, published, deleted) =
            try row.decode((UUID, String, UUID?, String, String, String, [String], UUID?, String, [String], UUID?, Date, Int32, Bool).self)
        return StoredDocument(
            id: id, space: DocumentSpace(kind: kind, id: spaceID) ?? .library, titles: Forums.dictionary(titles),
            descriptions: Forums.dictionary(descriptions), language: language, thematicAreas: areas, organisationId: organisation,
            licence: licence, tags: tags, uploaderId: uploader, createdAt: created, publishedVersion: Int(published), deleted: deleted,
            uploaderPseudonym: try row.decode(column: 14, as: String?.self)
        )
    }

    static func storedVersion(from row: PostgresRow, at start: Int) throws -> StoredVersion {
        let (version, state, filename, type, mediaType, size, digest, uploader, created, decided, reason, chunkSize, chunkCount, keyID, wrapped) =
            try row.decode(
                (Int32, String, String, String, String, Int, [UInt8], UUID?, Date, Date?, String, Int32, Int32, String, [UInt8]).self,
                startingAt: start
            )
        return StoredVersion(
            version: DocumentVersion(
                version: Int(version), state: DocumentVersion.State(rawValue: state) ?? .pending, filename: filename,
                type: DocumentType(rawValue: type) ?? .text, mediaType: mediaType, size: Int64(size), sha256: Self.hex(digest),
                uploadedBy: uploader, createdAt: created, decidedAt: decided, reason: reason.isEmpty ? nil : reason,
                uploadedByPseudonym: try row.decode(column: start + 15, as: String?.self)
            ),
            chunkSize: Int(chunkSize), chunkCount: Int(chunkCount), keyID: keyID, wrappedKey: wrapped
        )
    }

    /// The document, or nil.
    func storedDocument(_ id: UUID, on connection: PostgresConnection? = nil) async throws -> StoredDocument? {
        let query: PostgresQuery = "SELECT \(fragment: Self.documentColumns) FROM documents d WHERE d.id = \(id)"
        let rows = if let connection { try await connection.query(query) } else { try await self.pool.query(query) }
        return try rows.first.map(Self.storedDocument(from:))
    }

    /// A document's versions, newest first.
    func storedVersions(of id: UUID, on connection: PostgresConnection? = nil) async throws -> [StoredVersion] {
        let query: PostgresQuery = """
            SELECT \(fragment: Self.versionColumns) FROM document_versions v WHERE v.document_id = \(id) ORDER BY v.version DESC
            """
        let rows = if let connection { try await connection.query(query) } else { try await self.pool.query(query) }
        return try rows.map { try Self.storedVersion(from: $0, at: 0) }
    }

    /// The space as the access policy weighs it; a category that does not exist reads as hidden.
    /// `categories`, when given, saves reading them again (for many documents at once).
    func rules(for space: DocumentSpace, categories: [Forums.StoredCategory]? = nil) async throws -> DocumentSpaceRules {
        switch space {
        case .library: return .library
        case .category(let id):
            let categories = if let categories { categories } else { try await self.forums.storedCategories() }
            return .category(categories.first { $0.id == id }?.effective ?? Forums.nobody)
        case .group(let id): return .group(id)
        case .organisation(let id): return .organisation(id)
        }
    }

    /// Whether `actor` may read this version of this document.
    static func mayRead(_ version: DocumentVersion, of document: StoredDocument, rules: DocumentSpaceRules, actor: Actor) -> Bool {
        Access.decide(
            actor, .readDocument(rules, uploader: version.uploadedBy, approved: version.state == .approved, deleted: document.deleted)
        ) == .allow
    }

    /// The document as `actor` sees it, showing the newest version they may read.
    func view(_ document: StoredDocument, versions: [DocumentVersion], rules: DocumentSpaceRules, for actor: Actor) -> Document {
        let readable = versions.filter { Self.mayRead($0, of: document, rules: rules, actor: actor) }
        let moderator = Access.decide(actor, .vetDocuments(rules)) == .allow
        var latest = readable.max { $0.version < $1.version }
        if latest?.uploadedBy != actor.accountID && !moderator { latest?.reason = nil }
        var shown = Document(
            id: document.id, space: document.space.kind, spaceId: document.space.id, titles: document.titles,
            descriptions: document.descriptions, language: document.language, thematicAreas: document.thematicAreas,
            organisationId: document.organisationId, licence: document.licence, tags: document.tags, uploaderId: document.uploaderId,
            createdAt: document.createdAt, publishedVersion: document.publishedVersion > 0 ? document.publishedVersion : nil,
            latest: latest.map { Self.masked($0, rules: rules) }, deleted: document.deleted
        )
        if Self.hidesUploaders(rules) {
            shown.uploaderId = nil
            shown.uploaderPseudonym = document.uploaderPseudonym
            shown.mine = document.uploaderId != nil && document.uploaderId == actor.accountID
        }
        return shown
    }

    /// Whether a space shows nobody as uploader: a pseudonymous category's (see `Forums+Pseudonyms`).
    static func hidesUploaders(_ rules: DocumentSpaceRules) -> Bool {
        if case .category(let category) = rules { category.pseudonymous } else { false }
    }

    /// The version as shown: without its uploader in a pseudonymous category's space. Only for
    /// output; the access checks read the stored version.
    static func masked(_ version: DocumentVersion, rules: DocumentSpaceRules) -> DocumentVersion {
        var version = version
        if Self.hidesUploaders(rules) { version.uploadedBy = nil } else { version.uploadedByPseudonym = nil }
        return version
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
