import Foundation
@testable import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// Events against a real PostgreSQL: who sees them, how places and the waiting list are given
/// under concurrency, and what the iCalendar file says.
@Suite struct EventTests {
    static func events(on pool: PostgresPool) -> Events {
        let forums = Forums(pool: pool)
        return Events(pool: pool, forums: forums, documents: Documents(pool: pool, keys: TestServices.documentKeys, forums: forums))
    }

    static func draft(audience: ConsultationAudience, capacity: Int? = nil, starts: TimeInterval = 86_400) -> EventDraft {
        EventDraft(
            kind: .workshop, titles: ["en": "Victims' voices, a workshop"], descriptions: ["en": "Two days; interpretation in French."],
            startsAt: Date().addingTimeInterval(starts), endsAt: Date().addingTimeInterval(starts + 7_200), timeZone: "Africa/Nairobi",
            place: "UN Gigiri, conference room 3", link: "https://meet.example.org/room-42", languages: ["en", "fr"], capacity: capacity,
            audience: audience
        )
    }

    @Test func concurrentRegistrationsFillTheCapacityExactlyAndTheRestWaitInOrder() async throws {
        // The registrations queue on the event's row lock, each holding a connection meanwhile: on a
        // loaded machine (a CI run beside the whole suite) the last waited more than the default 10 s
        // for one. This checks exclusion and order, not latency.
        try await TestDatabase.with(acquireTimeout: .seconds(120)) { database in
            let pool = database.pool
            let events = Self.events(on: pool)
            let kenya = try await ConsultationTests.organisation(country: "KE", on: pool)
            let staff = try await ConsultationTests.actor(.administrator, on: pool)
            var members: [Actor] = []
            for _ in 0..<20 { members.append(try await ConsultationTests.actor(.member, [kenya: .member], on: pool)) }
            let event = try await events.create(Self.draft(audience: ConsultationAudience(organisations: [kenya]), capacity: 5), by: staff)

            let registrations = try await withThrowingTaskGroup(of: Registration.self) { group in
                for member in members {
                    group.addTask { try await events.register(for: event.id, by: member) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(registrations.filter { $0.status == .registered }.count == 5)
            let waiting = registrations.filter { $0.status == .waiting }
            #expect(waiting.count == 15)
            // The line is in the order places were decided: positions 1…15, one each.
            #expect(Set(waiting.compactMap(\.waitingPosition)) == Set(1...15))

            // The first cancelled place goes to the head of the line, who is told.
            let head = try #require(waiting.first { $0.waitingPosition == 1 })
            let holder = try #require(registrations.first { $0.status == .registered })
            let holderActor = try #require(members.first { $0.accountID == holder.accountID })
            _ = try await events.cancel(holder.id, of: event.id, by: holderActor)
            let participants = try await events.participants(of: event.id, by: staff)
            #expect(participants.filter(\.registration.status.hasPlace).count == 5)
            #expect(participants.first { $0.registration.id == head.id }?.registration.status == .registered)
            #expect(participants.filter { $0.registration.status == .waiting }.compactMap(\.registration.waitingPosition) == Array(1...14))
            let told = try await pool.query(
                "SELECT details->>'status' FROM notifications WHERE account_id = \(head.accountID) AND kind = 'event-registration' AND subject_id = \(event.id)"
            ).map { try $0.decode(column: 0, as: String.self) }
            #expect(told == ["registered"])
        }
    }

    @Test func theAudienceAloneSeesTheEventAndOnlyThoseWithAPlaceItsWhereabouts() async throws {
        try await TestDatabase.with { database in
            let pool = database.pool
            let events = Self.events(on: pool)
            let kenya = try await ConsultationTests.organisation(country: "KE", on: pool)
            let brazil = try await ConsultationTests.organisation(country: "BR", on: pool)
            let staff = try await ConsultationTests.actor(.administrator, on: pool)
            let first = try await ConsultationTests.actor(.member, [kenya: .member], on: pool)
            let second = try await ConsultationTests.actor(.member, [kenya: .member], on: pool)
            let outsider = try await ConsultationTests.actor(.member, [brazil: .admin], on: pool)
            let event = try await events.create(Self.draft(audience: ConsultationAudience(countries: ["KE"]), capacity: 1), by: staff)
            #expect(event.link != nil && event.place != nil)

            await #expect(throws: AccountError.notFound) { try await events.read(event.id, by: outsider) }
            #expect(try await events.list(by: outsider).isEmpty)
            let before = try await events.read(event.id, by: first)
            #expect(before.link == nil && before.place == nil)
            #expect(!EventCalendar.ics(for: before).contains("meet.example.org"))

            _ = try await events.register(for: event.id, by: first)
            let waiting = try await events.register(for: event.id, by: second)
            #expect(waiting.status == .waiting)
            let placed = try await events.read(event.id, by: first)
            #expect(placed.link == "https://meet.example.org/room-42" && placed.registration?.status == .registered)
            #expect(EventCalendar.ics(for: placed).contains("URL:https://meet.example.org/room-42"))
            #expect(try await events.read(event.id, by: second).link == nil)
            await #expect(throws: EventError.alreadyRegistered) { try await events.register(for: event.id, by: first) }
            await #expect(throws: AccountError.notFound) { try await events.register(for: event.id, by: outsider) }
        }
    }

    @Test func theCalendarFileFollowsRFC5545() throws {
        let long = String(repeating: "Dialogue régional; Sahel, ", count: 6) + "\\ fin\nligne"
        let event = Event(
            id: UUID(), kind: .conference, titles: ["fr": long], descriptions: [:], startsAt: Date(timeIntervalSince1970: 1_800_000_000),
            endsAt: Date(timeIntervalSince1970: 1_800_003_600), timeZone: "Africa/Dakar", place: nil, link: nil, languages: ["fr"], capacity: nil,
            audience: ConsultationAudience(all: true), questions: [], report: [:], materials: [], followUpTopicID: nil, createdAt: Date(),
            registration: nil
        )
        let ics = EventCalendar.ics(for: event, host: "haven.example.org", now: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(ics.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") && ics.hasSuffix("END:VCALENDAR\r\n"))
        let lines = ics.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        #expect(!ics.replacing("\r\n", with: "").contains("\n"))
        #expect(lines.contains("DTSTART:20270115T080000Z") && lines.contains("DTEND:20270115T090000Z"))
        #expect(lines.contains("DTSTAMP:20231114T221320Z"))
        #expect(lines.contains("UID:\(event.id.uuidString.lowercased())@haven.example.org"))
        // Unfolded, the summary is the title with TEXT escaping.
        let unfolded = ics.replacing("\r\n ", with: "")
        #expect(unfolded.contains("SUMMARY:" + long.replacing("\\", with: "\\\\").replacing(";", with: "\\;").replacing(",", with: "\\,").replacing("\n", with: "\\n")))
        #expect(!unfolded.contains("LOCATION") && !unfolded.contains("URL:"))
    }
}
