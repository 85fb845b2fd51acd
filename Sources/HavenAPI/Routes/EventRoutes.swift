import Foundation
import HavenCore
import Hummingbird

/// Events: staff publish them to an audience of organisations; members register (or their
/// organisation's admin registers them); staff run the participant list.
enum EventRoutes {
    struct Draft: JSONRequest {
        static let fields: Set<String> = [
            "kind", "titles", "descriptions", "starts_at", "ends_at", "time_zone", "place", "link", "languages", "capacity", "audience", "questions",
        ]
        var kind: String
        var titles: [String: String]
        var descriptions: [String: String]?
        var startsAt: String
        var endsAt: String
        var timeZone: String
        var place: String?
        var link: String?
        var languages: [String]?
        var capacity: Int?
        var audience: ConsultationRoutes.Draft.Audience
        var questions: [ConsultationRoutes.Draft.Question]?

        func draft() throws -> EventDraft {
            guard let kind = EventKind(rawValue: self.kind) else {
                throw Problem(.invalidInput, detail: "kind: one of \(EventKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return EventDraft(
                kind: kind, titles: self.titles, descriptions: self.descriptions ?? [:],
                startsAt: try EventRoutes.date(self.startsAt, "starts_at"), endsAt: try EventRoutes.date(self.endsAt, "ends_at"),
                timeZone: self.timeZone, place: self.place, link: self.link, languages: self.languages ?? [], capacity: self.capacity,
                audience: ConsultationAudience(
                    all: self.audience.all ?? false, organisations: self.audience.organisations ?? [],
                    countries: (self.audience.countries ?? []).map { $0.uppercased() }, thematicAreas: self.audience.thematicAreas ?? []
                ),
                questions: (self.questions ?? []).map { ConsultationQuestion(id: "", prompts: $0.prompts, choices: $0.choices) }
            )
        }
    }

    struct Registering: JSONRequest {
        static let fields: Set<String> = ["account_id", "organisation_id", "answers"]
        var accountId: UUID?
        var organisationId: UUID?
        var answers: [String: String]?
    }

    struct Message: JSONRequest {
        static let fields: Set<String> = ["message"]
        var message: String
    }

    struct Material: JSONRequest {
        static let fields: Set<String> = ["document_id"]
        var documentId: UUID
    }

    struct Report: JSONRequest {
        static let fields: Set<String> = ["report"]
        var report: [String: String]
    }

    struct FollowUp: JSONRequest {
        static let fields: Set<String> = ["category_id", "title", "body", "language"]
        var categoryId: UUID
        var title: String
        var body: String
        var language: String
    }

    static func date(_ text: String, _ field: String) throws -> Date {
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        guard let date = (try? Date(text, strategy: .iso8601)) ?? (try? withFraction.parse(text)) else {
            throw Problem(.invalidInput, detail: "\(field): an ISO 8601 date and time, e.g. 2027-03-01T09:00:00Z")
        }
        return date
    }

    static func routes(services: HavenServices) -> [APIRoute] {
        let events = services.events
        let host = URL(string: services.notifications.configuration.publicURL)?.host() ?? "haven"
        @Sendable func id(_ context: HavenRequestContext) throws -> UUID { try context.parameters.require("id", as: UUID.self) }
        @Sendable func registration(_ context: HavenRequestContext) throws -> UUID {
            try context.parameters.require("registrationId", as: UUID.self)
        }
        /// Staff only, decided before the body is read: a member is refused whatever it says.
        @Sendable func staff(_ context: HavenRequestContext) throws -> Actor {
            let actor = try context.requireActor()
            try Access.require(actor, .manageEvents)
            return actor
        }
        return [
            APIRoute(.get, "/events", audience: .signedIn(scope: .read)) { _, context in
                JSONBody.response(["events": try await events.list(by: try context.requireActor()).map(EventJSON.init)])
            },
            APIRoute(.post, "/events", audience: .signedIn(scope: .admin)) { request, context in
                let actor = try staff(context)
                let body = try await request.decodeJSON(Draft.self, context: context)
                return JSONBody.response(EventJSON(try await events.create(try body.draft(), by: actor)), status: .created)
            },
            APIRoute(.get, "/events/{id}", audience: .signedIn(scope: .read)) { _, context in
                JSONBody.response(EventJSON(try await events.read(try id(context), by: try context.requireActor())))
            },
            APIRoute(.get, "/events/{id}/calendar", audience: .signedIn(scope: .read)) { _, context in
                let eventID = try id(context)
                let ics = try await events.calendar(eventID, language: nil, host: host, by: try context.requireActor())
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/calendar; charset=utf-8",
                        .contentDisposition: "attachment; filename=\"event-\(eventID.uuidString.lowercased()).ics\"",
                    ],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: ics))
                )
            },
            APIRoute(.post, "/events/{id}/registrations", audience: .signedIn(scope: .write)) { request, context in
                let body = try await request.decodeJSON(Registering.self, context: context)
                let registration = try await events.register(
                    for: try id(context), account: body.accountId, organisation: body.organisationId, answers: body.answers ?? [:],
                    by: try context.requireActor()
                )
                return JSONBody.response(RegistrationJSON(registration), status: .created)
            },
            APIRoute(.delete, "/events/{id}/registrations/{registrationId}", audience: .signedIn(scope: .write)) { _, context in
                JSONBody.response(RegistrationJSON(try await events.cancel(try registration(context), of: try id(context), by: try context.requireActor())))
            },
            APIRoute(.post, "/events/{id}/registrations/{registrationId}/confirm", audience: .signedIn(scope: .admin)) { _, context in
                JSONBody.response(RegistrationJSON(try await events.confirm(try registration(context), of: try id(context), by: try staff(context))))
            },
            APIRoute(.get, "/events/{id}/participants", audience: .signedIn(scope: .admin)) { _, context in
                let participants = try await events.participants(of: try id(context), by: try staff(context))
                return JSONBody.response(["participants": participants.map(ParticipantJSON.init)])
            },
            APIRoute(.get, "/events/{id}/participants/export", audience: .signedIn(scope: .admin)) { _, context in
                let eventID = try id(context)
                let csv = try await events.exportParticipants(of: eventID, by: try staff(context))
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/csv; charset=utf-8",
                        .contentDisposition: "attachment; filename=\"event-\(eventID.uuidString.lowercased())-participants.csv\"",
                    ],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: csv))
                )
            },
            APIRoute(.post, "/events/{id}/messages", audience: .signedIn(scope: .admin)) { request, context in
                let actor = try staff(context)
                let body = try await request.decodeJSON(Message.self, context: context)
                return JSONBody.response(["recipients": try await events.message(body.message, to: try id(context), by: actor)])
            },
            APIRoute(.post, "/events/{id}/materials", audience: .signedIn(scope: .admin)) { request, context in
                let actor = try staff(context)
                let body = try await request.decodeJSON(Material.self, context: context)
                return JSONBody.response(EventJSON(try await events.attachMaterial(body.documentId, to: try id(context), by: actor)))
            },
            APIRoute(.put, "/events/{id}/report", audience: .signedIn(scope: .admin)) { request, context in
                let actor = try staff(context)
                let body = try await request.decodeJSON(Report.self, context: context)
                return JSONBody.response(EventJSON(try await events.setReport(body.report, of: try id(context), by: actor)))
            },
            APIRoute(.post, "/events/{id}/follow-up", audience: .signedIn(scope: .admin)) { request, context in
                let actor = try staff(context)
                let body = try await request.decodeJSON(FollowUp.self, context: context)
                let event = try await events.openFollowUp(
                    of: try id(context), in: body.categoryId, title: body.title, body: body.body, language: body.language, by: actor
                )
                return JSONBody.response(EventJSON(event), status: .created)
            },
        ]
    }
}
