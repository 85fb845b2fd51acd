import Foundation
import HavenCore
import Hummingbird
import NIOCore

/// Consultations (calls for input) and the contributions of the organisations they ask.
enum ConsultationRoutes {
    struct Draft: JSONRequest {
        static let fields: Set<String> = ["titles", "descriptions", "questions", "audience", "opens_at", "closes_at"]
        var titles: [String: String]
        var descriptions: [String: String]?
        var questions: [Question]
        var audience: Audience
        var opensAt: String
        var closesAt: String

        struct Question: Decodable {
            var prompts: [String: String]
            var choices: [String]?
        }

        struct Audience: Decodable {
            var all: Bool?
            var organisations: [UUID]?
            var countries: [String]?
            var thematicAreas: [ThematicArea]?
        }

        func draft() throws -> ConsultationDraft {
            func date(_ text: String, _ field: String) throws -> Date {
                let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
                guard let date = (try? Date(text, strategy: .iso8601)) ?? (try? withFraction.parse(text)) else {
                    throw Problem(.invalidInput, detail: "\(field): an ISO 8601 date and time, e.g. 2027-03-01T09:00:00Z")
                }
                return date
            }
            return ConsultationDraft(
                titles: self.titles, descriptions: self.descriptions ?? [:],
                questions: self.questions.map { ConsultationQuestion(id: "", prompts: $0.prompts, choices: $0.choices) },
                audience: ConsultationAudience(
                    all: self.audience.all ?? false, organisations: self.audience.organisations ?? [],
                    countries: (self.audience.countries ?? []).map { $0.uppercased() }, thematicAreas: self.audience.thematicAreas ?? []
                ),
                opensAt: try date(self.opensAt, "opens_at"), closesAt: try date(self.closesAt, "closes_at")
            )
        }
    }

    struct Answers: JSONRequest {
        static let fields: Set<String> = ["answers"]
        var answers: [String: String]
    }

    struct Publication: JSONRequest {
        static let fields: Set<String> = ["publication"]
        var publication: String
    }

    struct Synthesis: JSONRequest {
        static let fields: Set<String> = ["texts"]
        var texts: [String: String]
    }

    /// A staff export, saved under a name that says what it is (never cached, never sniffed: the
    /// security headers middleware sees to that as for every response).
    static func export(_ id: UUID, _ extension: String, type: String, _ write: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.contentDisposition] = "attachment; filename=\"consultation-\(id.uuidString).\(`extension`)\""
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await write(&writer)
            try await writer.finish(nil)
        })
    }

    static func routes(services: HavenServices) -> [APIRoute] {
        let consultations = services.consultations
        @Sendable func id(_ context: HavenRequestContext) throws -> UUID { try context.parameters.require("id", as: UUID.self) }
        @Sendable func organisation(_ context: HavenRequestContext) throws -> UUID {
            try context.parameters.require("organisationId", as: UUID.self)
        }
        @Sendable func document(_ context: HavenRequestContext) throws -> UUID { try context.parameters.require("documentId", as: UUID.self) }
        return [
            APIRoute(.get, "/consultations", audience: .signedIn(scope: .read)) { _, context in
                JSONBody.response(["consultations": try await consultations.list(by: try context.requireActor()).map(ConsultationJSON.init)])
            },
            APIRoute(.post, "/consultations", audience: .signedIn(scope: .admin)) { request, context in
                // Who may, before what: a member is refused whatever the body says.
                let actor = try context.requireActor()
                try Access.require(actor, .manageConsultations)
                let body = try await request.decodeJSON(Draft.self, context: context)
                let consultation = try await consultations.create(try body.draft(), by: actor)
                return JSONBody.response(ConsultationJSON(consultation), status: .created)
            },
            APIRoute(.get, "/consultations/{id}", audience: .signedIn(scope: .read)) { _, context in
                JSONBody.response(ConsultationJSON(try await consultations.read(try id(context), by: try context.requireActor())))
            },
            APIRoute(.get, "/consultations/{id}/contributions", audience: .signedIn(scope: .admin)) { _, context in
                let contributions = try await consultations.submittedContributions(to: try id(context), by: try context.requireActor())
                return JSONBody.response(["contributions": contributions.map(ContributionJSON.init)])
            },
            APIRoute(.get, "/consultations/{id}/contributions/{organisationId}", audience: .signedIn(scope: .read)) { _, context in
                let contribution = try await consultations.contribution(to: try id(context), of: try organisation(context), by: try context.requireActor())
                return JSONBody.response(ContributionJSON(contribution))
            },
            APIRoute(.put, "/consultations/{id}/contributions/{organisationId}", audience: .signedIn(scope: .write)) { request, context in
                let body = try await request.decodeJSON(Answers.self, context: context)
                let contribution = try await consultations.saveAnswers(
                    body.answers, to: try id(context), of: try organisation(context), by: try context.requireActor()
                )
                return JSONBody.response(ContributionJSON(contribution))
            },
            APIRoute(.post, "/consultations/{id}/contributions/{organisationId}/submit", audience: .signedIn(scope: .write)) { _, context in
                let contribution = try await consultations.submit(try id(context), of: try organisation(context), by: try context.requireActor())
                return JSONBody.response(ContributionJSON(contribution))
            },
            APIRoute(.put, "/consultations/{id}/contributions/{organisationId}/publication", audience: .signedIn(scope: .write)) { request, context in
                let body = try await request.decodeJSON(Publication.self, context: context)
                guard let publication = Contribution.Publication(rawValue: body.publication) else {
                    throw Problem(.invalidInput, detail: "publication: none, anonymous or named")
                }
                let contribution = try await consultations.setPublication(
                    publication, of: try id(context), by: try organisation(context), actor: try context.requireActor()
                )
                return JSONBody.response(ContributionJSON(contribution))
            },
            APIRoute(.put, "/consultations/{id}/documents/{documentId}", audience: .signedIn(scope: .admin)) { _, context in
                let consultation = try await consultations.attach(try document(context), to: try id(context), by: try context.requireActor())
                return JSONBody.response(ConsultationJSON(consultation))
            },
            APIRoute(.delete, "/consultations/{id}/documents/{documentId}", audience: .signedIn(scope: .admin)) { _, context in
                let consultation = try await consultations.detach(try document(context), from: try id(context), by: try context.requireActor())
                return JSONBody.response(ConsultationJSON(consultation))
            },
            APIRoute(.put, "/consultations/{id}/contributions/{organisationId}/documents/{documentId}", audience: .signedIn(scope: .write)) { _, context in
                let contribution = try await consultations.attach(
                    try document(context), toContributionOf: try organisation(context), in: try id(context), by: try context.requireActor()
                )
                return JSONBody.response(ContributionJSON(contribution))
            },
            APIRoute(.delete, "/consultations/{id}/contributions/{organisationId}/documents/{documentId}", audience: .signedIn(scope: .write)) { _, context in
                let contribution = try await consultations.detach(
                    try document(context), fromContributionOf: try organisation(context), in: try id(context), by: try context.requireActor()
                )
                return JSONBody.response(ContributionJSON(contribution))
            },
            APIRoute(.get, "/consultations/{id}/contributions.csv", audience: .signedIn(scope: .admin)) { _, context in
                let (id, actor) = (try id(context), try context.requireActor())
                // Refused before the response starts: a member gets 403, an unknown id 404.
                try Access.require(actor, .manageConsultations)
                _ = try await consultations.read(id, by: actor)
                return Self.export(id, "csv", type: "text/csv; charset=utf-8") { writer in
                    try await consultations.exportAnswers(of: id, by: actor) { try await writer.write(ByteBuffer(string: $0)) }
                }
            },
            APIRoute(.get, "/consultations/{id}/contributions.zip", audience: .signedIn(scope: .admin)) { _, context in
                let (id, actor) = (try id(context), try context.requireActor())
                try Access.require(actor, .manageConsultations)
                _ = try await consultations.read(id, by: actor)
                return Self.export(id, "zip", type: "application/zip") { writer in
                    try await consultations.exportDocuments(of: id, by: actor) { try await writer.write($0) }
                }
            },
            APIRoute(.put, "/consultations/{id}/synthesis", audience: .signedIn(scope: .admin)) { request, context in
                let actor = try context.requireActor()
                try Access.require(actor, .manageConsultations)
                let body = try await request.decodeJSON(Synthesis.self, context: context)
                return JSONBody.response(ConsultationJSON(try await consultations.publishSynthesis(body.texts, of: try id(context), by: actor)))
            },
            APIRoute(.get, "/consultations/{id}/published", audience: .signedIn(scope: .read)) { _, context in
                let published = try await consultations.published(try id(context), by: try context.requireActor())
                return JSONBody.response(["contributions": published.map(PublishedContributionJSON.init)])
            },
        ]
    }
}

/// A contribution published with its organisation's consent (named, or anonymous without it).
struct PublishedContributionJSON: Encodable {
    let organisationId: UUID?
    let organisationNames: [String: String]?
    let answers: [String: String]

    enum CodingKeys: String, CodingKey {
        case answers
        case organisationId = "organisation_id"
        case organisationNames = "organisation_names"
    }

    init(_ published: Consultations.PublishedContribution) {
        self.organisationId = published.organisationID
        self.organisationNames = published.organisationNames
        self.answers = published.answers
    }
}

/// A consultation in API responses (no JSON nulls: absent fields are left out).
struct ConsultationJSON: Encodable {
    struct Question: Encodable {
        let id: String
        let prompts: [String: String]
        let choices: [String]?
    }

    struct Audience: Encodable {
        let all: Bool
        let organisations: [UUID]
        let countries: [String]
        let thematicAreas: [String]

        enum CodingKeys: String, CodingKey {
            case all, organisations, countries
            case thematicAreas = "thematic_areas"
        }
    }

    let id: UUID
    let titles: [String: String]
    let descriptions: [String: String]
    let questions: [Question]
    let audience: Audience
    let opensAt: Date
    let closesAt: Date
    let createdAt: Date
    let documents: [UUID]
    let synthesis: [String: String]?
    let synthesisPublishedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, titles, descriptions, questions, audience, documents, synthesis
        case opensAt = "opens_at"
        case closesAt = "closes_at"
        case createdAt = "created_at"
        case synthesisPublishedAt = "synthesis_published_at"
    }

    init(_ consultation: Consultation) {
        self.id = consultation.id
        self.titles = consultation.titles
        self.descriptions = consultation.descriptions
        self.questions = consultation.questions.map { Question(id: $0.id, prompts: $0.prompts, choices: $0.choices) }
        let audience = consultation.audience
        self.audience = Audience(
            all: audience.all, organisations: audience.organisations, countries: audience.countries, thematicAreas: audience.thematicAreas.map(\.rawValue)
        )
        self.opensAt = consultation.opensAt
        self.closesAt = consultation.closesAt
        self.createdAt = consultation.createdAt
        self.documents = consultation.documents
        self.synthesis = consultation.synthesisPublishedAt == nil ? nil : consultation.synthesis
        self.synthesisPublishedAt = consultation.synthesisPublishedAt
    }
}

/// An organisation's contribution in API responses.
struct ContributionJSON: Encodable {
    let consultationId: UUID
    let organisationId: UUID
    let answers: [String: String]
    let updatedAt: Date?
    let submittedAt: Date?
    let publication: String
    let documents: [Attachment]

    struct Attachment: Encodable {
        let documentId: UUID
        let version: Int

        enum CodingKeys: String, CodingKey {
            case version
            case documentId = "document_id"
        }
    }

    enum CodingKeys: String, CodingKey {
        case answers, publication, documents
        case consultationId = "consultation_id"
        case organisationId = "organisation_id"
        case updatedAt = "updated_at"
        case submittedAt = "submitted_at"
    }

    init(_ contribution: Contribution) {
        self.consultationId = contribution.consultationID
        self.organisationId = contribution.organisationID
        self.answers = contribution.answers
        self.updatedAt = contribution.updatedAt
        self.submittedAt = contribution.submittedAt
        self.publication = contribution.publication.rawValue
        self.documents = contribution.documents.map { Attachment(documentId: $0.documentID, version: $0.version) }
    }
}
