import Foundation
import PostgresClient

/// Events: staff publish them to an audience of organisations (as consultations are); members
/// register, or their organisation's admin registers them; beyond capacity they wait in line and
/// are promoted, first come first served, when a place is given up. Those outside the audience
/// are told the event does not exist; the place and link are for staff and those with a place.
public struct Events: Sendable {
    let pool: PostgresPool
    let audit: AuditLog
    let notifications: Notifications
    let forums: Forums
    let documents: Documents

    /// Longest answer to a registration question, and longest message to participants, in code points.
    public static let answerLimit = 2_000
    public static let messageLimit = 2_000

    /// - Parameters:
    ///   - forums: where follow-up topics are opened, and whose notifications inbox participants are told through
    ///   - documents: the libraries whose documents may be attached as material
    public init(pool: PostgresPool, forums: Forums, documents: Documents) {
        self.pool = pool
        self.audit = AuditLog(pool: pool)
        self.notifications = forums.notifications
        self.forums = forums
        self.documents = documents
    }

    /// An event row as stored: everything, before it is cut to what one viewer may see.
    struct Stored: Sendable {
        var event: Event
        /// Which of the viewer's organisations the audience includes (active ones only).
        var invited: Set<UUID>
    }

    static let columns: StaticString = """
        e.id, e.kind, e.titles::text, e.descriptions::text, e.starts_at, e.ends_at, e.time_zone, e.place, e.link, e.languages, e.capacity,
        e.audience_all, e.audience_organisations, e.audience_countries, e.audience_thematic_areas, e.questions::text, e.report::text,
        e.follow_up_topic_id, e.created_at,
        ARRAY(SELECT m.document_id FROM event_materials m WHERE m.event_id = e.id ORDER BY m.attached_at, m.document_id)
        """

    /// Publishes an event; its audience must select at least one active organisation.
    public func create(_ draft: EventDraft, by actor: Actor) async throws -> Event {
        try Access.require(actor, .manageEvents)
        let draft = try draft.validated()
        let audience = draft.audience
        let id = try await self.pool.withTransaction { connection in
            let invited = try await connection.query(
                """
                SELECT count(*)::int FROM organisations
                WHERE status = 'active' AND (\(audience.all) OR id = ANY(\(audience.organisations)) OR country = ANY(\(audience.countries))
                      OR thematic_areas && \(audience.thematicAreas.map(\.rawValue)))
                """
            ).first?.decode(column: 0, as: Int.self) ?? 0
            guard invited > 0 else { throw EventError.emptyAudience }
            let id = try await connection.query(
                """
                INSERT INTO events (kind, titles, descriptions, starts_at, ends_at, time_zone, place, link, languages, capacity,
                    audience_all, audience_organisations, audience_countries, audience_thematic_areas, questions, created_by)
                VALUES (\(draft.kind.rawValue), \(try Self.json(draft.titles))::jsonb, \(try Self.json(draft.descriptions))::jsonb,
                    \(draft.startsAt), \(draft.endsAt), \(draft.timeZone), \(draft.place), \(draft.link), \(draft.languages), \(draft.capacity),
                    \(audience.all), \(audience.organisations), \(audience.countries), \(audience.thematicAreas.map(\.rawValue)),
                    \(try Self.json(draft.questions))::jsonb, \(actor.accountID))
                RETURNING id
                """
            ).first?.decode(column: 0, as: UUID.self)
            guard let id else { throw AccountError.notFound }
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "event.create", target: "event:\(id)", details: ["invited": String(invited)]),
                on: connection
            )
            return id
        }
        return try await self.read(id, by: actor)
    }

    /// The events the actor may see, latest start first: all for staff; for members,
    /// those whose audience includes one of their organisations.
    public func list(by actor: Actor) async throws -> [Event] {
        let stored = try await self.load(nil, for: actor).filter { Access.decide(actor, .readEvent(invited: $0.invited)) == .allow }
        let registrations = try await self.ownRegistrations(for: actor, in: stored.map(\.event.id))
        return stored.map { self.view($0.event, registration: registrations[$0.event.id], for: actor) }
    }

    /// One event as the actor may see it; not found outside its audience.
    public func read(_ id: UUID, by actor: Actor) async throws -> Event {
        let found = try await self.visible(id, by: actor)
        let registration = try await self.ownRegistrations(for: actor, in: [id])[id]
        return self.view(found.event, registration: registration, for: actor)
    }

    /// The event as an iCalendar file, with its place and link only for those who may know them.
    public func calendar(_ id: UUID, language: String?, host: String, by actor: Actor) async throws -> String {
        EventCalendar.ics(for: try await self.read(id, by: actor), language: language, host: host)
    }

    // MARK: Helpers

    /// The stored event, once the actor may see it.
    func visible(_ id: UUID, by actor: Actor) async throws -> Stored {
        let found = try await self.load(id, for: actor).first
        try Access.require(actor, .readEvent(invited: found?.invited ?? []))
        guard let found else { throw AccountError.notFound }
        return found
    }

    /// The event cut to what `actor` may see: the place and link for staff and those with a place.
    func view(_ event: Event, registration: Registration?, for actor: Actor) -> Event {
        let whereabouts = Access.decide(actor, .manageEvents) == .allow || registration?.status.hasPlace == true
        return Event(
            id: event.id, kind: event.kind, titles: event.titles, descriptions: event.descriptions, startsAt: event.startsAt, endsAt: event.endsAt,
            timeZone: event.timeZone, place: whereabouts ? event.place : nil, link: whereabouts ? event.link : nil, languages: event.languages,
            capacity: event.capacity, audience: event.audience, questions: event.questions, report: event.report, materials: event.materials,
            followUpTopicID: event.followUpTopicID, createdAt: event.createdAt, registration: registration
        )
    }

    /// One event (or, without `id`, the newest 500), each with which of the actor's organisations
    /// its audience includes (active ones only), in one statement.
    func load(_ id: UUID?, for actor: Actor) async throws -> [Stored] {
        let organisations = Array(actor.memberships.keys)
        let rows = try await self.pool.query(
            """
            SELECT \(fragment: Self.columns), ARRAY(
                SELECT o.id FROM organisations o
                WHERE o.id = ANY(\(organisations)) AND o.status = 'active'
                  AND (e.audience_all OR o.id = ANY(e.audience_organisations) OR o.country = ANY(e.audience_countries)
                       OR o.thematic_areas && e.audience_thematic_areas))
            FROM events e WHERE \(id)::uuid IS NULL OR e.id = \(id)
            ORDER BY e.starts_at DESC, e.id LIMIT 500
            """
        )
        return try rows.map { row in
            Stored(event: try Self.event(from: row), invited: Set(try row.decode(column: 20, as: [UUID].self)))
        }
    }

    /// The actor's live registrations among `events`, by event.
    func ownRegistrations(for actor: Actor, in events: [UUID]) async throws -> [UUID: Registration] {
        guard !events.isEmpty else { return [:] }
        let rows = try await self.pool.query(
            """
            SELECT \(fragment: Self.registrationColumns) FROM event_registrations r
            WHERE r.account_id = \(actor.accountID) AND r.event_id = ANY(\(events)) AND r.status <> 'cancelled'
            """
        )
        return Dictionary(try rows.map { let registration = try Self.registration(from: $0); return (registration.eventID, registration) }) { $1 }
    }

    static func event(from row: PostgresRow) throws -> Event {
        func column<V: PostgresDecodable>(_ index: Int, _: V.Type = V.self) throws -> V { try row.decode(column: index, as: V.self) }
        let decoder = JSONDecoder()
        func texts(_ index: Int) throws -> [String: String] { try decoder.decode([String: String].self, from: Data(try column(index, String.self).utf8)) }
        return Event(
            id: try column(0), kind: EventKind(rawValue: try column(1, String.self)) ?? .conference, titles: try texts(2), descriptions: try texts(3),
            startsAt: try column(4), endsAt: try column(5), timeZone: try column(6), place: try column(7), link: try column(8),
            languages: try column(9), capacity: try column(10),
            audience: ConsultationAudience(
                all: try column(11), organisations: try column(12), countries: try column(13),
                thematicAreas: try column(14, [String].self).compactMap(ThematicArea.init)
            ),
            questions: try decoder.decode([ConsultationQuestion].self, from: Data(try column(15, String.self).utf8)), report: try texts(16),
            materials: try column(19), followUpTopicID: try column(17), createdAt: try column(18), registration: nil
        )
    }

    /// The columns `registration(from:)` decodes, from `r`; the waiting position counts those
    /// waiting ahead (the line index covers it).
    static let registrationColumns: StaticString = """
        r.id, r.event_id, r.account_id, r.organisation_id, r.registered_by, r.status, r.answers::text,
        CASE WHEN r.status = 'waiting' THEN (SELECT count(*)::int FROM event_registrations w
            WHERE w.event_id = r.event_id AND w.status = 'waiting' AND w.position <= r.position) END,
        r.created_at
        """

    static func registration(from row: PostgresRow) throws -> Registration {
        let (id, event, account, organisation, registeredBy, status, answers, position, createdAt) = try row.decode(
            (UUID, UUID, UUID, UUID?, UUID?, String, String, Int?, Date).self
        )
        return Registration(
            id: id, eventID: event, accountID: account, organisationID: organisation, registeredBy: registeredBy,
            status: Registration.Status(rawValue: status) ?? .cancelled,
            answers: try JSONDecoder().decode([String: String].self, from: Data(answers.utf8)), waitingPosition: position, createdAt: createdAt
        )
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
