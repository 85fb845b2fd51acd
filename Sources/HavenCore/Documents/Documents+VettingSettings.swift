import Foundation
import PostgresClient

extension Documents {
    /// Whether members' uploads into `space` wait for a moderator: the space's own setting, else
    /// the installation's default for its kind.
    func isVetted(_ space: DocumentSpace, on connection: PostgresConnection) async throws -> Bool {
        let own = try await connection.query("SELECT vetted FROM document_space_vetting WHERE space = \(space.description)")
            .first?.decode(column: 0, as: Bool.self)
        return own ?? self.configuration.vettedSpaces.contains(space.kind)
    }

    /// The defaults by kind of space, then every space with a setting of its own (which wins).
    public func vettingSettings(by actor: Actor) async throws -> [DocumentSpaceVetting] {
        try Access.require(actor, .configureDocumentVetting)
        let defaults = ["library", "category", "group", "organisation"].map {
            DocumentSpaceVetting(space: $0, spaceId: nil, vetted: self.configuration.vettedSpaces.contains($0), overridden: false)
        }
        let own = try await self.pool.query("SELECT space, vetted FROM document_space_vetting ORDER BY space").map { row in
            let (space, vetted) = try row.decode((String, Bool).self)
            let parts = space.split(separator: ":", maxSplits: 1).map(String.init)
            return DocumentSpaceVetting(space: parts[0], spaceId: parts.count > 1 ? parts[1] : nil, vetted: vetted, overridden: true)
        }
        return defaults + own
    }

    /// Gives `space` a setting of its own (nil: back to its kind's default), audited.
    public func setVetting(_ vetted: Bool?, for space: DocumentSpace, by actor: Actor) async throws -> DocumentSpaceVetting {
        try Access.require(actor, .configureDocumentVetting)
        try await self.pool.withTransaction { connection in
            let exists: Bool
            switch space {
            case .library: exists = true
            case .category(let id): exists = try await !connection.query("SELECT 1 FROM forum_categories WHERE id = \(id)").isEmpty
            case .group(let id): exists = try await !connection.query("SELECT 1 FROM groups WHERE id = \(id)").isEmpty
            case .organisation(let id): exists = try await !connection.query("SELECT 1 FROM organisations WHERE id = \(id)").isEmpty
            }
            guard exists else { throw AccountError.notFound }
            if let vetted {
                try await connection.execute(
                    """
                    INSERT INTO document_space_vetting (space, vetted, changed_by) VALUES (\(space.description), \(vetted), \(actor.accountID))
                    ON CONFLICT (space) DO UPDATE SET vetted = EXCLUDED.vetted, changed_by = EXCLUDED.changed_by, changed_at = now()
                    """
                )
            } else {
                try await connection.execute("DELETE FROM document_space_vetting WHERE space = \(space.description)")
            }
            try await self.audit.record(
                AuditEvent(
                    actor: actor.accountID, action: "document.vetting-change", target: "space:\(space.description)",
                    details: ["vetted": vetted.map { $0 ? "yes" : "no" } ?? "default"]
                ),
                on: connection
            )
        }
        let effective = try await self.pool.withConnection { try await self.isVetted(space, on: $0) }
        return DocumentSpaceVetting(space: space.kind, spaceId: space.id?.uuidString.lowercased(), vetted: effective, overridden: vetted != nil)
    }
}
