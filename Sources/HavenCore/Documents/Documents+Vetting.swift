import Foundation
import PostgresClient

extension Documents {
    /// Pending versions in the spaces the moderator vets, oldest first.
    public func vettingQueue(for actor: Actor) async throws -> [DocumentSubmission] {
        try Access.require(actor, .readModerationQueue)
        // document_versions_pending
        let rows = try await self.pool.query(
            """
            SELECT \(fragment: Self.documentColumns), \(fragment: Self.versionColumns)
            FROM document_versions v JOIN documents d ON d.id = v.document_id
            WHERE v.state = 'pending' AND d.deleted_at IS NULL
            ORDER BY v.created_at LIMIT 500
            """
        )
        let categories = try await self.forums.storedCategories()
        var queue: [DocumentSubmission] = []
        for row in rows {
            let document = try Self.storedDocument(from: row)
            let rules = try await self.rules(for: document.space, categories: categories)
            guard Access.decide(actor, .vetDocuments(rules)) == .allow else { continue }
            queue.append(DocumentSubmission(
                documentId: document.id, space: document.space.kind, spaceId: document.space.id, titles: document.titles,
                version: Self.masked(try Self.storedVersion(from: row, at: Self.documentColumnCount).version, rules: rules)
            ))
        }
        return queue
    }

    /// Approves or rejects a pending version; an approved one becomes what members see.
    public func decide(_ id: UUID, version: Int, _ decision: DocumentDecision, by actor: Actor, client: ClientInfo? = nil) async throws -> Document {
        let (document, _, rules) = try await self.readable(id, for: actor)
        try Access.require(actor, .vetDocuments(rules))
        var reason = ""
        if case .reject(let given) = decision {
            guard let given = given.trimmed(fitting: 1...2_000) else { throw AccountError.invalidInput("Give a reason of 1–2,000 characters.") }
            reason = given
        }
        let state: DocumentVersion.State = decision == .approve ? .approved : .rejected
        try await self.pool.withTransaction { connection in
            let uploaders = try await connection.query(
                """
                UPDATE document_versions SET state = \(state.rawValue), reason = \(reason), decided_by = \(actor.accountID), decided_at = now()
                WHERE document_id = \(id) AND version = \(version) AND state = 'pending'
                RETURNING uploaded_by
                """
            ).map { try $0.decode(column: 0, as: UUID?.self) }
            guard uploaders.count == 1 else {
                let exists = try await connection.query("SELECT 1 FROM document_versions WHERE document_id = \(id) AND version = \(version)")
                throw exists.first == nil ? AccountError.notFound : DocumentError.alreadyDecided
            }
            if state == .approved {
                try await connection.execute("UPDATE documents SET published_version = greatest(published_version, \(version)) WHERE id = \(id)")
            }
            var details = ["version": String(version)]
            if !reason.isEmpty { details["reason"] = reason }
            try await self.forums.notifications.record(
                Notice(
                    state == .approved ? .documentApproved : .documentRejected, to: uploaders.compactMap { $0 }, about: .init(.document, id),
                    details: details, excerpt: document.titles.values.first
                ),
                on: connection
            )
            try await self.audit.record(
                AuditEvent(
                    actor: actor.accountID, action: state == .approved ? "document.approve" : "document.reject", target: "document:\(id)",
                    addressPrefix: client?.addressPrefix ?? "", details: details
                ),
                on: connection
            )
        }
        return self.view(document, versions: try await self.storedVersions(of: id).map(\.version), rules: rules, for: actor)
    }
}
