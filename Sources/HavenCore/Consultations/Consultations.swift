import Foundation
import PostgresClient

/// Calls for input: staff open them for an audience of organisations; each invited organisation
/// drafts one contribution, which its admin submits and may consent to publish. Organisations
/// outside the audience, and other organisations' drafts, are reported as not found.
public struct Consultations: Sendable {
    let pool: PostgresPool
    let audit: AuditLog
    let documents: Documents
    let notifications: Notifications

    /// Longest answer, in characters.
    public static let answerLimit = 20_000

    public init(pool: PostgresPool, documents: Documents, notifications: Notifications) {
        self.pool = pool
        self.audit = AuditLog(pool: pool)
        self.documents = documents
        self.notifications = notifications
    }

    /// A consultation's columns, from `consultations c`.
    static let columns: StaticString = """
        c.id, c.titles::text, c.descriptions::text, c.questions::text, c.audience_all, c.audience_organisations, c.audience_countries,
        c.audience_thematic_areas, c.opens_at, c.closes_at, c.created_at,
        ARRAY(SELECT d.document_id FROM consultation_documents d WHERE d.consultation_id = c.id ORDER BY d.added_at, d.document_id),
        c.synthesis::text, c.synthesis_published_at
        """

    /// A contribution's columns, from `consultation_contributions k`.
    static let contributionColumns: StaticString = """
        k.consultation_id, k.organisation_id, k.answers::text, k.updated_at, k.submitted_at, k.publication,
        ARRAY(SELECT d.document_id FROM contribution_documents d
              WHERE d.consultation_id = k.consultation_id AND d.organisation_id = k.organisation_id ORDER BY d.added_at, d.document_id),
        ARRAY(SELECT d.version FROM contribution_documents d
              WHERE d.consultation_id = k.consultation_id AND d.organisation_id = k.organisation_id ORDER BY d.added_at, d.document_id)
        """

    /// Opens a consultation; its audience must select at least one active organisation.
    public func create(_ draft: ConsultationDraft, by actor: Actor) async throws -> Consultation {
        try Access.require(actor, .manageConsultations)
        let draft = try draft.validated()
        let audience = draft.audience
        return try await self.pool.withTransaction { connection in
            let invited = try await connection.query(
                """
                SELECT count(*)::int FROM organisations
                WHERE status = 'active' AND (\(audience.all) OR id = ANY(\(audience.organisations)) OR country = ANY(\(audience.countries))
                      OR thematic_areas && \(audience.thematicAreas.map(\.rawValue)))
                """
            ).first?.decode(column: 0, as: Int.self) ?? 0
            guard invited > 0 else { throw ConsultationError.emptyAudience }
            let row = try await connection.query(
                """
                INSERT INTO consultations AS c (titles, descriptions, questions, audience_all, audience_organisations, audience_countries,
                    audience_thematic_areas, opens_at, closes_at, created_by)
                VALUES (\(try Self.json(draft.titles))::jsonb, \(try Self.json(draft.descriptions))::jsonb, \(try Self.json(draft.questions))::jsonb,
                    \(audience.all), \(audience.organisations), \(audience.countries), \(audience.thematicAreas.map(\.rawValue)),
                    \(draft.opensAt), \(draft.closesAt), \(actor.accountID))
                RETURNING \(fragment: Self.columns)
                """
            ).first
            guard let row else { throw AccountError.notFound }
            let consultation = try Self.consultation(from: row)
            try await self.audit.record(
                AuditEvent(
                    actor: actor.accountID, action: "consultation.create", target: "consultation:\(consultation.id)",
                    details: ["invited": String(invited)]
                ),
                on: connection
            )
            return consultation
        }
    }

    /// The consultations the actor may see, newest first: all for staff; for members, the opened
    /// ones that ask one of their organisations.
    public func list(by actor: Actor) async throws -> [Consultation] {
        try await self.load(nil, invitedAmong: Array(actor.memberships.keys)).filter { consultation, invited in
            Access.decide(actor, .readConsultation(invited: invited, opened: consultation.opensAt <= Date())) == .allow
        }.map(\.consultation)
    }

    public func read(_ id: UUID, by actor: Actor) async throws -> Consultation {
        let found = try await self.load(id, invitedAmong: Array(actor.memberships.keys)).first
        try Access.require(actor, .readConsultation(invited: found?.invited ?? [], opened: (found?.consultation.opensAt ?? .distantFuture) <= Date()))
        guard let found else { throw AccountError.notFound }
        return found.consultation
    }

    /// An invited organisation's contribution, as its members see it (empty until first saved),
    /// also once the consultation has closed.
    public func contribution(to id: UUID, of organisation: UUID, by actor: Actor) async throws -> Contribution {
        let consultation = try await self.contributing(to: id, as: organisation, submitting: false, by: actor, requireOpen: false)
        return try await self.loadContribution(consultation.id, organisation, on: nil)
            ?? Contribution(consultationID: id, organisationID: organisation, answers: [:], updatedAt: nil, submittedAt: nil, publication: .none, documents: [])
    }

    /// Replaces the draft's answers, while the consultation is open and the draft not submitted.
    public func saveAnswers(_ answers: [String: String], to id: UUID, of organisation: UUID, by actor: Actor) async throws -> Contribution {
        let consultation = try await self.contributing(to: id, as: organisation, submitting: false, by: actor)
        let answers = try ConsultationError.form { () throws(Form.Failure) in try Form.answers(answers, to: consultation.questions, limit: Self.answerLimit) }
        return try await self.changing(consultation, organisation, by: actor, action: "consultation.contribution.save") { connection in
            try await connection.execute(
                """
                INSERT INTO consultation_contributions (consultation_id, organisation_id, answers, updated_by)
                VALUES (\(id), \(organisation), \(try Self.json(answers))::jsonb, \(actor.accountID))
                ON CONFLICT (consultation_id, organisation_id) DO UPDATE SET answers = EXCLUDED.answers,
                    updated_by = EXCLUDED.updated_by, updated_at = now()
                """
            )
        }
    }

    /// Submits the organisation's contribution (its admins only): it no longer changes.
    public func submit(_ id: UUID, of organisation: UUID, by actor: Actor) async throws -> Contribution {
        let consultation = try await self.contributing(to: id, as: organisation, submitting: true, by: actor)
        return try await self.changing(consultation, organisation, by: actor, action: "consultation.contribution.submit") { connection in
            try await connection.execute(
                """
                INSERT INTO consultation_contributions (consultation_id, organisation_id, updated_by, submitted_by, submitted_at)
                VALUES (\(id), \(organisation), \(actor.accountID), \(actor.accountID), now())
                ON CONFLICT (consultation_id, organisation_id) DO UPDATE SET submitted_by = EXCLUDED.submitted_by, submitted_at = now()
                """
            )
        }
    }

    /// The organisation's consent to publication of its submitted contribution (its admins only);
    /// it may be given or withdrawn at any time.
    public func setPublication(_ publication: Contribution.Publication, of id: UUID, by organisation: UUID, actor: Actor) async throws -> Contribution {
        _ = try await self.contributing(to: id, as: organisation, submitting: true, by: actor, requireOpen: false)
        return try await self.pool.withTransaction { connection in
            let updated = try await connection.execute(
                """
                UPDATE consultation_contributions SET publication = \(publication.rawValue)
                WHERE consultation_id = \(id) AND organisation_id = \(organisation) AND submitted_at IS NOT NULL
                """
            )
            guard updated == 1 else { throw ConsultationError.notSubmitted }
            try await self.audit.record(
                AuditEvent(
                    actor: actor.accountID, action: "consultation.contribution.publication", target: "consultation:\(id)",
                    details: ["organisation": organisation.uuidString, "publication": publication.rawValue]
                ),
                on: connection
            )
            guard let contribution = try await self.loadContribution(id, organisation, on: connection) else { throw AccountError.notFound }
            return contribution
        }
    }

    /// Every submitted contribution (staff only), oldest submission first; drafts stay the
    /// organisations' own.
    public func submittedContributions(to id: UUID, by actor: Actor) async throws -> [Contribution] {
        try Access.require(actor, .manageConsultations)
        guard try await self.load(id) != nil else { throw AccountError.notFound }
        return try await self.pool.query(
            """
            SELECT \(fragment: Self.contributionColumns) FROM consultation_contributions k
            WHERE k.consultation_id = \(id) AND k.submitted_at IS NOT NULL ORDER BY k.submitted_at, k.organisation_id
            """
        ).map(Self.contribution(from:))
    }

    // MARK: Helpers

    /// The consultation, once the actor may act for `organisation` on it (and, by default, it is open).
    func contributing(
        to id: UUID, as organisation: UUID, submitting: Bool, by actor: Actor, requireOpen: Bool = true
    ) async throws -> Consultation {
        let found = try await self.load(id, invitedAmong: [organisation]).first
        let opened = (found?.consultation.opensAt ?? .distantFuture) <= Date()
        let invited = opened && found?.invited.contains(organisation) == true
        try Access.require(actor, .contribute(organisation: organisation, invited: invited, submitting: submitting))
        guard let consultation = found?.consultation else { throw AccountError.notFound }
        if requireOpen && !consultation.isOpen(at: Date()) { throw ConsultationError.closed }
        return consultation
    }

    /// Runs `change` in a transaction, refusing a submitted contribution or a closed consultation
    /// (checked again under the row's lock), audits it, and returns the contribution as changed.
    func changing(
        _ consultation: Consultation, _ organisation: UUID, by actor: Actor, action: String,
        _ change: @escaping (PostgresConnection) async throws -> Void
    ) async throws -> Contribution {
        try await self.pool.withTransaction { connection in
            let state = try await connection.query(
                """
                SELECT (SELECT submitted_at IS NOT NULL FROM consultation_contributions
                        WHERE consultation_id = c.id AND organisation_id = \(organisation) FOR UPDATE),
                       now() >= c.opens_at AND now() < c.closes_at
                FROM consultations c WHERE c.id = \(consultation.id) FOR SHARE
                """
            ).first
            let (submitted, open) = try state?.decode((Bool?, Bool).self) ?? (nil, false)
            guard open else { throw ConsultationError.closed }
            guard submitted != true else { throw ConsultationError.alreadySubmitted }
            try await change(connection)
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: action, target: "consultation:\(consultation.id)", details: ["organisation": organisation.uuidString]),
                on: connection
            )
            guard let contribution = try await self.loadContribution(consultation.id, organisation, on: connection) else { throw AccountError.notFound }
            return contribution
        }
    }

    func load(_ id: UUID) async throws -> Consultation? {
        try await self.pool.query("SELECT \(fragment: Self.columns) FROM consultations c WHERE c.id = \(id)").first.map(Self.consultation(from:))
    }

    /// One consultation (or, without `id`, the newest 500), each with which of `organisations` it
    /// asks (active ones only), in one statement.
    func load(_ id: UUID?, invitedAmong organisations: [UUID]) async throws -> [(consultation: Consultation, invited: Set<UUID>)] {
        let rows = try await self.pool.query(
            """
            SELECT \(fragment: Self.columns), ARRAY(
                SELECT o.id FROM organisations o
                WHERE o.id = ANY(\(organisations)) AND o.status = 'active'
                  AND (c.audience_all OR o.id = ANY(c.audience_organisations) OR o.country = ANY(c.audience_countries)
                       OR o.thematic_areas && c.audience_thematic_areas))
            FROM consultations c WHERE \(id)::uuid IS NULL OR c.id = \(id)
            ORDER BY c.opens_at DESC, c.id LIMIT 500
            """
        )
        return try rows.map { row in
            (try Self.consultation(from: row), Set(try row.decode(column: 14, as: [UUID].self)))
        }
    }

    func loadContribution(_ id: UUID, _ organisation: UUID, on connection: PostgresConnection?) async throws -> Contribution? {
        let query: PostgresQuery = """
            SELECT \(fragment: Self.contributionColumns) FROM consultation_contributions k
            WHERE k.consultation_id = \(id) AND k.organisation_id = \(organisation)
            """
        let rows = if let connection { try await connection.query(query) } else { try await self.pool.query(query) }
        return try rows.first.map(Self.contribution(from:))
    }

    static func consultation(from row: PostgresRow) throws -> Consultation {
        let (id, titles, descriptions, questions, all, organisations, countries, areas, opensAt, closesAt, createdAt, documents, synthesis, synthesisAt) =
            try row.decode((UUID, String, String, String, Bool, [UUID], [String], [String], Date, Date, Date, [UUID], String, Date?).self)
        let decoder = JSONDecoder()
        return Consultation(
            id: id,
            titles: try decoder.decode([String: String].self, from: Data(titles.utf8)),
            descriptions: try decoder.decode([String: String].self, from: Data(descriptions.utf8)),
            questions: try decoder.decode([ConsultationQuestion].self, from: Data(questions.utf8)),
            audience: ConsultationAudience(all: all, organisations: organisations, countries: countries, thematicAreas: areas.compactMap(ThematicArea.init)),
            opensAt: opensAt, closesAt: closesAt, createdAt: createdAt, documents: documents,
            synthesis: try decoder.decode([String: String].self, from: Data(synthesis.utf8)), synthesisPublishedAt: synthesisAt
        )
    }

    static func contribution(from row: PostgresRow) throws -> Contribution {
        let (consultation, organisation, answers, updatedAt, submittedAt, publication, documents, versions) =
            try row.decode((UUID, UUID, String, Date, Date?, String, [UUID], [Int32]).self)
        return Contribution(
            consultationID: consultation, organisationID: organisation,
            answers: try JSONDecoder().decode([String: String].self, from: Data(answers.utf8)),
            updatedAt: updatedAt, submittedAt: submittedAt, publication: Contribution.Publication(rawValue: publication) ?? .none,
            documents: zip(documents, versions).map { Contribution.Attachment(documentID: $0, version: Int($1)) }
        )
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
