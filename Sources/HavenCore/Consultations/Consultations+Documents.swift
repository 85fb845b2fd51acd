import Foundation
import PostgresClient

extension Consultations {
    /// Most documents one contribution carries.
    public static let documentLimit = 20

    /// Attaches a document of the platform library to a consultation (staff), for its audience to
    /// read by the library's own rules.
    public func attach(_ document: UUID, to id: UUID, by actor: Actor) async throws -> Consultation {
        try Access.require(actor, .manageConsultations)
        guard try await self.load(id) != nil else { throw AccountError.notFound }
        let found = try await self.documents.document(document, for: actor)
        guard found.space == DocumentSpace.library.kind, !found.deleted else {
            throw ConsultationError.invalid(field: "document", "a document of the platform library, which the audience can read")
        }
        try await self.pool.withTransaction { connection in
            try await connection.execute(
                "INSERT INTO consultation_documents (consultation_id, document_id) VALUES (\(id), \(document)) ON CONFLICT DO NOTHING"
            )
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "consultation.document.attach", target: "consultation:\(id)", details: ["document": document.uuidString]),
                on: connection
            )
        }
        guard let consultation = try await self.load(id) else { throw AccountError.notFound }
        return consultation
    }

    /// Takes a document off a consultation (staff); the document itself stays in the library.
    public func detach(_ document: UUID, from id: UUID, by actor: Actor) async throws -> Consultation {
        try Access.require(actor, .manageConsultations)
        try await self.pool.withTransaction { connection in
            let removed = try await connection.execute(
                "DELETE FROM consultation_documents WHERE consultation_id = \(id) AND document_id = \(document)"
            )
            guard removed == 1 else { throw AccountError.notFound }
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "consultation.document.detach", target: "consultation:\(id)", details: ["document": document.uuidString]),
                on: connection
            )
        }
        guard let consultation = try await self.load(id) else { throw AccountError.notFound }
        return consultation
    }

    /// Attaches the newest version of one of the organisation's own documents (in its space) to
    /// its draft contribution; attaching it again takes its newest version again.
    public func attach(_ document: UUID, toContributionOf organisation: UUID, in id: UUID, by actor: Actor) async throws -> Contribution {
        let consultation = try await self.contributing(to: id, as: organisation, submitting: false, by: actor)
        let found = try await self.documents.document(document, for: actor)
        guard found.space == DocumentSpace.organisation(organisation).kind, found.spaceId == organisation, !found.deleted,
            let version = found.latest?.version
        else {
            throw ConsultationError.invalid(field: "document", "a document of the organisation's own space")
        }
        return try await self.changing(consultation, organisation, by: actor, action: "consultation.contribution.document.attach") { connection in
            try await connection.execute(
                """
                INSERT INTO consultation_contributions (consultation_id, organisation_id, updated_by)
                VALUES (\(id), \(organisation), \(actor.accountID)) ON CONFLICT DO NOTHING
                """
            )
            let attached = try await connection.query(
                """
                SELECT count(*)::int FROM contribution_documents
                WHERE consultation_id = \(id) AND organisation_id = \(organisation) AND document_id <> \(document)
                """
            ).first?.decode(column: 0, as: Int.self) ?? 0
            guard attached < Self.documentLimit else {
                throw ConsultationError.invalid(field: "document", "a contribution carries at most \(Self.documentLimit) documents")
            }
            try await connection.execute(
                """
                INSERT INTO contribution_documents (consultation_id, organisation_id, document_id, version, added_by)
                VALUES (\(id), \(organisation), \(document), \(version), \(actor.accountID))
                ON CONFLICT (consultation_id, organisation_id, document_id) DO UPDATE SET version = EXCLUDED.version, added_by = EXCLUDED.added_by
                """
            )
        }
    }

    /// Takes a document off the organisation's draft contribution (the document stays in its space).
    public func detach(_ document: UUID, fromContributionOf organisation: UUID, in id: UUID, by actor: Actor) async throws -> Contribution {
        let consultation = try await self.contributing(to: id, as: organisation, submitting: false, by: actor)
        return try await self.changing(consultation, organisation, by: actor, action: "consultation.contribution.document.detach") { connection in
            let removed = try await connection.execute(
                """
                DELETE FROM contribution_documents
                WHERE consultation_id = \(id) AND organisation_id = \(organisation) AND document_id = \(document)
                """
            )
            guard removed == 1 else { throw AccountError.notFound }
        }
    }
}
