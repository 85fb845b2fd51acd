import Foundation
import HavenCore

/// An event in API responses (no JSON nulls: absent fields are left out, the place and link
/// among them when the viewer may not know them).
struct EventJSON: Encodable {
    let id: UUID
    let kind: String
    let titles: [String: String]
    let descriptions: [String: String]
    let startsAt: Date
    let endsAt: Date
    let timeZone: String
    let place: String?
    let link: String?
    let languages: [String]
    let capacity: Int?
    let audience: ConsultationJSON.Audience
    let questions: [ConsultationJSON.Question]
    let report: [String: String]
    let materials: [UUID]
    let followUpTopicId: UUID?
    let createdAt: Date
    /// The viewer's own registration.
    let registration: RegistrationJSON?

    enum CodingKeys: String, CodingKey {
        case id, kind, titles, descriptions, place, link, languages, capacity, audience, questions, report, materials, registration
        case startsAt = "starts_at"
        case endsAt = "ends_at"
        case timeZone = "time_zone"
        case followUpTopicId = "follow_up_topic_id"
        case createdAt = "created_at"
    }

    init(_ event: Event) {
        self.id = event.id
        self.kind = event.kind.rawValue
        self.titles = event.titles
        self.descriptions = event.descriptions
        self.startsAt = event.startsAt
        self.endsAt = event.endsAt
        self.timeZone = event.timeZone
        self.place = event.place
        self.link = event.link
        self.languages = event.languages
        self.capacity = event.capacity
        let audience = event.audience
        self.audience = ConsultationJSON.Audience(
            all: audience.all, organisations: audience.organisations, countries: audience.countries, thematicAreas: audience.thematicAreas.map(\.rawValue)
        )
        self.questions = event.questions.map { ConsultationJSON.Question(id: $0.id, prompts: $0.prompts, choices: $0.choices) }
        self.report = event.report
        self.materials = event.materials
        self.followUpTopicId = event.followUpTopicID
        self.createdAt = event.createdAt
        self.registration = event.registration.map(RegistrationJSON.init)
    }
}

/// A registration in API responses.
struct RegistrationJSON: Encodable {
    let id: UUID
    let eventId: UUID
    let accountId: UUID
    let organisationId: UUID?
    let status: String
    let answers: [String: String]
    /// 1 for the next in line, while waiting.
    let waitingPosition: Int?
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, status, answers
        case eventId = "event_id"
        case accountId = "account_id"
        case organisationId = "organisation_id"
        case waitingPosition = "waiting_position"
        case createdAt = "created_at"
    }

    init(_ registration: Registration) {
        self.id = registration.id
        self.eventId = registration.eventID
        self.accountId = registration.accountID
        self.organisationId = registration.organisationID
        self.status = registration.status.rawValue
        self.answers = registration.answers
        self.waitingPosition = registration.waitingPosition
        self.createdAt = registration.createdAt
    }
}

/// A participant in the staff's list: the registration and who it is.
struct ParticipantJSON: Encodable {
    let registration: RegistrationJSON
    let displayName: String?
    let email: String
    let organisationName: String?

    enum CodingKeys: String, CodingKey {
        case registration, email
        case displayName = "display_name"
        case organisationName = "organisation_name"
    }

    init(_ participant: Participant) {
        self.registration = RegistrationJSON(participant.registration)
        self.displayName = participant.displayName
        self.email = participant.email
        self.organisationName = participant.organisationName
    }
}
