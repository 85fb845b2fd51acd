import Foundation
import PostgresClient

extension Consultations {
    /// A submitted contribution its organisation consented to publish, as the consultation's
    /// audience reads it once the consultation has closed. Anonymous ones carry no organisation,
    /// no submission time and no documents (which live in the organisation's own space and
    /// would name it).
    public struct PublishedContribution: Sendable, Equatable {
        public let organisationID: UUID?
        public let organisationNames: [String: String]?
        public let answers: [String: String]
    }

    /// Publishes (or replaces) staff's synthesis of a closed consultation, in one or more of the
    /// six languages, for its audience to read.
    public func publishSynthesis(_ texts: [String: String], of id: UUID, by actor: Actor) async throws -> Consultation {
        try Access.require(actor, .manageConsultations)
        let checked = try ConsultationError.form { () throws(Form.Failure) in try Form.texts(texts, "synthesis", limit: 50_000, required: true) }
        try await self.pool.withTransaction { connection in
            let closed = try await connection.query("SELECT now() >= closes_at FROM consultations WHERE id = \(id) FOR UPDATE").first
            guard let closed else { throw AccountError.notFound }
            guard try closed.decode(column: 0, as: Bool.self) else { throw ConsultationError.notClosed }
            try await connection.execute(
                "UPDATE consultations SET synthesis = \(try Self.json(checked))::jsonb, synthesis_published_at = now() WHERE id = \(id)"
            )
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "consultation.synthesis.publish", target: "consultation:\(id)"), on: connection
            )
        }
        guard let consultation = try await self.load(id) else { throw AccountError.notFound }
        return consultation
    }

    /// The contributions published with their organisations' consent, for whoever may read the
    /// consultation, once it has closed (none before: nobody's answer is shown while others
    /// still write theirs).
    public func published(_ id: UUID, by actor: Actor) async throws -> [PublishedContribution] {
        let consultation = try await self.read(id, by: actor)
        guard Date() >= consultation.closesAt else { return [] }
        let rows = try await self.pool.query(
            """
            SELECT k.publication, k.organisation_id, o.names::text, k.answers::text
            FROM consultation_contributions k JOIN organisations o ON o.id = k.organisation_id
            WHERE k.consultation_id = \(id) AND k.submitted_at IS NOT NULL AND k.publication <> 'none'
            ORDER BY k.publication DESC, k.submitted_at, k.organisation_id
            """
        )
        return try rows.map { row in
            let (publication, organisation, names, answers) = try row.decode((String, UUID, String, String).self)
            let named = publication == Contribution.Publication.named.rawValue
            return PublishedContribution(
                organisationID: named ? organisation : nil,
                organisationNames: named ? try JSONDecoder().decode([String: String].self, from: Data(names.utf8)) : nil,
                answers: try JSONDecoder().decode([String: String].self, from: Data(answers.utf8))
            )
        }
    }
}
