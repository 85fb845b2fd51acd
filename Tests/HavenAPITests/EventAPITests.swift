import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// Events over HTTPS, as staff, members, organisation admins and outsiders use them.
@Suite struct EventAPITests {
    static func iso(_ offset: TimeInterval) -> String { Date().addingTimeInterval(offset).formatted(.iso8601) }

    static func draft(audience: [String: Any], capacity: Int? = 2) -> [String: Any] {
        var draft: [String: Any] = [
            "kind": "virtual-dialogue", "titles": ["en": "Regional dialogue on victims' rights", "fr": "Dialogue régional"],
            "descriptions": ["en": "Interpretation in English and French."], "starts_at": Self.iso(86_400), "ends_at": Self.iso(86_400 + 7_200),
            "time_zone": "Africa/Nairobi", "place": "UN Gigiri, room 3", "link": "https://meet.example.org/dialogue-7", "languages": ["en", "fr"],
            "audience": audience, "questions": [["prompts": ["en": "Dietary needs?"]]],
        ]
        if let capacity { draft["capacity"] = capacity }
        return draft
    }

    /// The kinds and details of a member's notifications about events.
    static func eventNotices(_ client: SessionClient) async throws -> [(kind: String, details: [String: String])] {
        let items = try await client.send("GET", "/me/notifications").json["items"] as? [[String: Any]] ?? []
        return items.filter { ($0["kind"] as? String)?.hasPrefix("event-") == true }
            .map { ($0["kind"] as? String ?? "", $0["details"] as? [String: String] ?? [:]) }
    }

    static func audited(_ action: String, on pool: PostgresPool) async throws -> Int {
        try await pool.query("SELECT count(*)::int FROM audit_log WHERE action = \(action)").first?.decode(column: 0, as: Int.self) ?? 0
    }

    @Test func outsidersAreNotToldAndTheLinkIsOnlyForThoseWithAPlace() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let pool = database.pool
                let (staff, _) = try await server.administrator()
                let kenyaAdmin = try await server.signUp(email: "ke-admin@example.org", name: "Wanjiru")
                let kenyaMember = try await server.signUp(email: "ke-member@example.org", name: "Otieno")
                let brazilAdmin = try await server.signUp(email: "br-admin@example.org", name: "Ana")
                _ = try await ConsultationAPITests.organisation("Kenya CSO", country: "KE", admin: kenyaAdmin, members: [kenyaMember], approvedBy: staff, pool: pool)
                _ = try await ConsultationAPITests.organisation("Brazil CSO", country: "BR", admin: brazilAdmin, members: [], approvedBy: staff, pool: pool)

                let created = try await staff.send("POST", "/events", json: Self.draft(audience: ["countries": ["KE"]], capacity: 1))
                #expect(created.status == 201, "\(created.text)")
                let id = try #require(created.json["id"] as? String)
                #expect(created.json["link"] as? String == "https://meet.example.org/dialogue-7")
                #expect(try await Self.audited("event.create", on: pool) == 1)

                // Outside the audience: not found, wherever it is asked.
                #expect(try await brazilAdmin.send("GET", "/events/\(id)").status == 404)
                #expect(try await brazilAdmin.send("GET", "/events/\(id)/calendar").status == 404)
                #expect(try await brazilAdmin.send("POST", "/events/\(id)/registrations", json: [:] as [String: Any]).status == 404)
                #expect((try await brazilAdmin.send("GET", "/events").json["events"] as? [Any])?.isEmpty == true)

                // In the audience but without a place: no place, no link, in JSON or in the calendar.
                let seen = try await kenyaMember.send("GET", "/events/\(id)")
                #expect(seen.status == 200 && seen.json["link"] == nil && seen.json["place"] == nil, "\(seen.text)")
                let calendar = try await kenyaMember.send("GET", "/events/\(id)/calendar")
                #expect(calendar.status == 200 && calendar.header("Content-Type")?.hasPrefix("text/calendar") == true, "\(calendar.text)")
                #expect(calendar.text.contains("SUMMARY:Regional dialogue on victims' rights\r\n"))
                #expect(!calendar.text.contains("meet.example.org") && !calendar.text.contains("LOCATION") && !calendar.text.contains("Gigiri"))

                // Registered: the place and link appear. The waiting list still does not see them.
                let registered = try await kenyaMember.send("POST", "/events/\(id)/registrations", json: ["answers": ["q1": "Vegetarian"]])
                #expect(registered.status == 201 && registered.json["status"] as? String == "registered", "\(registered.text)")
                let placed = try await kenyaMember.send("GET", "/events/\(id)")
                #expect(placed.json["link"] as? String == "https://meet.example.org/dialogue-7" && placed.json["place"] as? String == "UN Gigiri, room 3")
                #expect((placed.json["registration"] as? [String: Any])?["status"] as? String == "registered")
                let placedCalendar = try await kenyaMember.send("GET", "/events/\(id)/calendar").text
                #expect(placedCalendar.contains("URL:https://meet.example.org/dialogue-7\r\n") && placedCalendar.contains("LOCATION:UN Gigiri\\, room 3\r\n"))

                let waiting = try await kenyaAdmin.send("POST", "/events/\(id)/registrations", json: [:] as [String: Any])
                #expect(waiting.json["status"] as? String == "waiting" && waiting.json["waiting_position"] as? Int == 1, "\(waiting.text)")
                let waitingView = try await kenyaAdmin.send("GET", "/events/\(id)")
                #expect(waitingView.json["link"] == nil && waitingView.json["place"] == nil)
                #expect(!(try await kenyaAdmin.send("GET", "/events/\(id)/calendar").text.contains("meet.example.org")))
            }
        }
    }

    @Test func beyondCapacityTheWaitingListIsPromotedWhenSomeoneCancels() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let pool = database.pool
                let (staff, _) = try await server.administrator()
                let admin = try await server.signUp(email: "ke-admin@example.org", name: "Wanjiru")
                let first = try await server.signUp(email: "first@example.org", name: "Otieno")
                let second = try await server.signUp(email: "second@example.org", name: "Achieng")
                let third = try await server.signUp(email: "third@example.org", name: "Kamau")
                let kenya = try await ConsultationAPITests.organisation(
                    "Kenya CSO", country: "KE", admin: admin, members: [first, second, third], approvedBy: staff, pool: pool
                )
                let id = try #require(try await staff.send("POST", "/events", json: Self.draft(audience: ["organisations": [kenya]])).json["id"] as? String)

                var statuses: [String] = []
                var registrations: [String] = []
                for member in [first, second, third] {
                    let reply = try await member.send("POST", "/events/\(id)/registrations", json: [:] as [String: Any])
                    #expect(reply.status == 201, "\(reply.text)")
                    statuses.append(reply.json["status"] as? String ?? "")
                    registrations.append(reply.json["id"] as? String ?? "")
                }
                #expect(statuses == ["registered", "registered", "waiting"])
                #expect(try await third.send("GET", "/events/\(id)").json["link"] == nil)

                // Someone else's registration is not theirs to cancel.
                #expect(try await second.send("DELETE", "/events/\(id)/registrations/\(registrations[0])").status == 404)
                let cancelled = try await first.send("DELETE", "/events/\(id)/registrations/\(registrations[0])")
                #expect(cancelled.status == 200 && cancelled.json["status"] as? String == "cancelled", "\(cancelled.text)")
                let promoted = try await third.send("GET", "/events/\(id)")
                #expect((promoted.json["registration"] as? [String: Any])?["status"] as? String == "registered", "\(promoted.text)")
                #expect(promoted.json["link"] as? String == "https://meet.example.org/dialogue-7")
                let notices = try await Self.eventNotices(third)
                #expect(notices.count == 1 && notices.first?.kind == "event-registration" && notices.first?.details["status"] == "registered")

                for action in ["event.register", "event.registration.cancel", "event.registration.promote"] {
                    #expect(try await Self.audited(action, on: pool) > 0, "\(action) audited")
                }
                // The audit names who and what, never the answers.
                let details = try await pool.query("SELECT details::text FROM audit_log WHERE action LIKE 'event.%'").map { try $0.decode(column: 0, as: String.self) }
                #expect(!details.joined().contains("Vegetarian"))
            }
        }
    }

    @Test func anOrganisationAdminRegistersColleaguesButNotOthers() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let pool = database.pool
                let (staff, _) = try await server.administrator()
                let admin = try await server.signUp(email: "ke-admin@example.org", name: "Wanjiru")
                let colleague = try await server.signUp(email: "colleague@example.org", name: "Otieno")
                let other = try await server.signUp(email: "other@example.org", name: "Achieng")
                let stranger = try await server.signUp(email: "stranger@example.org", name: "Ana")
                let kenya = try await ConsultationAPITests.organisation("Kenya CSO", country: "KE", admin: admin, members: [colleague, other], approvedBy: staff, pool: pool)
                let id = try #require(try await staff.send("POST", "/events", json: Self.draft(audience: ["all": true], capacity: nil)).json["id"] as? String)
                let (colleagueID, otherID, strangerID) = (try await colleague.accountID(), try await other.accountID(), try await stranger.accountID())

                let registered = try await admin.send(
                    "POST", "/events/\(id)/registrations", json: ["account_id": colleagueID.uuidString, "organisation_id": kenya]
                )
                #expect(registered.status == 201 && (registered.json["account_id"] as? String)?.lowercased() == colleagueID.uuidString.lowercased(), "\(registered.text)")
                #expect(try await Self.eventNotices(colleague).first?.details["status"] == "registered")
                #expect((try await colleague.send("GET", "/events/\(id)").json["registration"] as? [String: Any])?["status"] as? String == "registered")
                // Not twice; not someone outside the organisation; not by a plain member.
                let twice = try await admin.send("POST", "/events/\(id)/registrations", json: ["account_id": colleagueID.uuidString, "organisation_id": kenya])
                #expect(twice.status == 409 && twice.json["type"] as? String == "urn:haven:problem:already-registered", "\(twice.text)")
                let outsider = try await admin.send("POST", "/events/\(id)/registrations", json: ["account_id": strangerID.uuidString, "organisation_id": kenya])
                #expect(outsider.status == 404, "\(outsider.text)")
                let byMember = try await colleague.send("POST", "/events/\(id)/registrations", json: ["account_id": otherID.uuidString, "organisation_id": kenya])
                #expect(byMember.status == 403 && byMember.json["type"] as? String == "urn:haven:problem:forbidden", "\(byMember.text)")
                // The admin may cancel what they registered for the organisation.
                let registration = try #require(registered.json["id"] as? String)
                #expect(try await admin.send("DELETE", "/events/\(id)/registrations/\(registration)").json["status"] as? String == "cancelled")
            }
        }
    }

    @Test func staffConfirmExportAndMessageParticipantsAndMembersCannot() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let pool = database.pool
                let (staff, _) = try await server.administrator()
                let admin = try await server.signUp(email: "ke-admin@example.org", name: "=HYPERLINK(\"http://evil.example\")")
                let member = try await server.signUp(email: "member@example.org", name: "Otieno")
                let late = try await server.signUp(email: "late@example.org", name: "Late Comer")
                let kenya = try await ConsultationAPITests.organisation("Kenya CSO", country: "KE", admin: admin, members: [member, late], approvedBy: staff, pool: pool)
                let id = try #require(try await staff.send("POST", "/events", json: Self.draft(audience: ["organisations": [kenya]])).json["id"] as? String)
                let adminRegistration = try #require(
                    try await admin.send("POST", "/events/\(id)/registrations", json: ["organisation_id": kenya, "answers": ["q1": "-1+1"]]).json["id"] as? String
                )
                _ = try await member.send("POST", "/events/\(id)/registrations", json: [:] as [String: Any])
                let waiting = try await late.send("POST", "/events/\(id)/registrations", json: [:] as [String: Any])
                #expect(waiting.json["status"] as? String == "waiting")

                // Members cannot run the participant list.
                for (method, path, body) in [
                    ("POST", "/events/\(id)/registrations/\(adminRegistration)/confirm", nil), ("GET", "/events/\(id)/participants", nil),
                    ("GET", "/events/\(id)/participants/export", nil), ("POST", "/events/\(id)/messages", ["message": "Hello"]),
                    ("PUT", "/events/\(id)/report", ["report": ["en": "Ours"]]),
                ] as [(String, String, [String: Any]?)] {
                    let reply = try await admin.send(method, path, json: body)
                    #expect(reply.status == 403 && reply.json["type"] as? String == "urn:haven:problem:forbidden", "\(path): \(reply.text)")
                }

                let confirmed = try await staff.send("POST", "/events/\(id)/registrations/\(adminRegistration)/confirm")
                #expect(confirmed.status == 200 && confirmed.json["status"] as? String == "confirmed", "\(confirmed.text)")
                let waitingID = try #require(waiting.json["id"] as? String)
                let refused = try await staff.send("POST", "/events/\(id)/registrations/\(waitingID)/confirm")
                #expect(refused.status == 409 && refused.json["type"] as? String == "urn:haven:problem:state-conflict", "\(refused.text)")
                let participants = try await staff.send("GET", "/events/\(id)/participants").json["participants"] as? [[String: Any]] ?? []
                #expect(participants.compactMap { $0["email"] as? String } == ["ke-admin@example.org", "member@example.org", "late@example.org"])

                // The export: exactly those with a place, formula-looking cells neutralised.
                let export = try await staff.send("GET", "/events/\(id)/participants/export")
                #expect(export.status == 200 && export.header("Content-Type")?.hasPrefix("text/csv") == true, "\(export.text)")
                let rows = export.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
                #expect(rows.count == 3, "\(export.text)")
                #expect(rows.first == CSV.byteOrderMark + "registration_id,status,name,email,organisation,registered_at,q1")
                #expect(export.text.contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\"") && export.text.contains(",'-1+1"))
                #expect(export.text.contains("member@example.org") && !export.text.contains("late@example.org"))
                // The member registered without naming an organisation: they come for their one invited organisation.
                #expect(rows.filter { $0.contains(",Kenya CSO,") }.count == 2, "\(export.text)")
                #expect(try await Self.audited("event.participants.export", on: pool) == 1)

                // A message reaches those with a place through their notifications, not the waiting list.
                let sent = try await staff.send("POST", "/events/\(id)/messages", json: ["message": "The room changed to 4."])
                #expect(sent.status == 200 && sent.json["recipients"] as? Int == 2, "\(sent.text)")
                #expect(try await Self.eventNotices(member).contains { $0.kind == "event-message" && $0.details["message"] == "The room changed to 4." })
                #expect(!(try await Self.eventNotices(late).contains { $0.kind == "event-message" }))
                let auditedMessage = try await pool.query("SELECT details::text FROM audit_log WHERE action = 'event.message'").first?.decode(column: 0, as: String.self)
                #expect(auditedMessage?.contains("room") == false)

                // After the event: material, a report and a follow-up topic.
                let uploaded = try await staff.uploadRaw(
                    Data("Outcome document.\n".utf8), metadata: ["space": "library", "titles": ["en": "Outcome"], "language": "en", "filename": "outcome.txt"]
                )
                let document = try #require(uploaded.json["id"] as? String, "\(uploaded.text)")
                let attached = try await staff.send("POST", "/events/\(id)/materials", json: ["document_id": document])
                #expect(attached.status == 200 && attached.json["materials"] as? [String] == [document], "\(attached.text)")
                let unknown = try await staff.send("POST", "/events/\(id)/materials", json: ["document_id": UUID().uuidString])
                #expect(unknown.status == 422, "\(unknown.text)")
                let report = try await staff.send("PUT", "/events/\(id)/report", json: ["report": ["en": "Forty participants agreed…"]])
                #expect((report.json["report"] as? [String: String])?["en"] == "Forty participants agreed…", "\(report.text)")
                let category = try #require(try await pool.query("SELECT id FROM forum_categories WHERE slug = 'human-rights'").first?.decode(column: 0, as: UUID.self))
                let topic = ["category_id": category.uuidString, "title": "Follow-up: regional dialogue", "body": "What did you take home?", "language": "en"]
                let opened = try await staff.send("POST", "/events/\(id)/follow-up", json: topic)
                #expect(opened.status == 201 && opened.json["follow_up_topic_id"] is String, "\(opened.text)")
                let again = try await staff.send("POST", "/events/\(id)/follow-up", json: topic)
                #expect(again.status == 409, "\(again.text)")
                for action in ["event.registration.confirm", "event.participants.list", "event.material.attach", "event.report", "event.follow-up"] {
                    #expect(try await Self.audited(action, on: pool) == 1, "\(action) audited")
                }
            }
        }
    }

    @Test func badRequestsGetClearErrors() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let pool = database.pool
                let (staff, _) = try await server.administrator()
                let admin = try await server.signUp(email: "ke-admin@example.org", name: "Wanjiru")
                let kenya = try await ConsultationAPITests.organisation("Kenya CSO", country: "KE", admin: admin, members: [], approvedBy: staff, pool: pool)
                let anonymous = SessionClient(probe: server.client)
                func expect(_ reply: HTTPProbe.Reply, _ status: Int, _ type: String, _ label: String) {
                    #expect(
                        reply.status == status && reply.json["type"] as? String == "urn:haven:problem:\(type)"
                            && reply.header("Content-Type") == "application/problem+json",
                        "\(label): \(reply.status) \(reply.text)"
                    )
                }
                func draft(_ change: (inout [String: Any]) -> Void) -> [String: Any] {
                    var draft = Self.draft(audience: ["all": true])
                    change(&draft)
                    return draft
                }
                expect(try await anonymous.send("POST", "/events", json: Self.draft(audience: ["all": true])), 401, "unauthenticated", "anonymous")
                expect(try await anonymous.send("GET", "/events"), 401, "unauthenticated", "anonymous list")
                expect(try await admin.send("POST", "/events", json: Self.draft(audience: ["all": true])), 403, "forbidden", "member")
                expect(try await staff.send("POST", "/events", json: draft { $0["ends_at"] = Self.iso(3_600) }), 422, "invalid-input", "ends before it starts")
                expect(try await staff.send("POST", "/events", json: draft { $0["time_zone"] = "Mars/Olympus_Mons" }), 422, "unknown-time-zone", "time zone")
                expect(try await staff.send("POST", "/events", json: draft { $0["audience"] = ["countries": ["NZ"]] }), 422, "empty-audience", "nobody in NZ")
                expect(try await staff.send("POST", "/events", json: draft { $0["audience"] = [:] as [String: Any] }), 422, "invalid-input", "no audience")
                expect(try await staff.send("POST", "/events", json: draft { $0["capacity"] = 0 }), 422, "invalid-input", "capacity 0")
                expect(try await staff.send("POST", "/events", json: draft { $0["link"] = "http://meet.example.org" }), 422, "invalid-input", "plain http link")
                expect(try await staff.send("POST", "/events", json: draft { $0["kind"] = "party" }), 422, "invalid-input", "kind")
                expect(try await staff.send("POST", "/events", json: draft { $0["starts_at"] = "tomorrow" }), 422, "invalid-input", "date")
                expect(try await staff.send("POST", "/events", json: draft { $0["owner"] = "me" }), 400, "unknown-field", "unknown field")
                expect(try await staff.send("POST", "/events", json: "{\"titles\":"), 400, "malformed-body", "malformed")
                expect(
                    try await staff.send("POST", "/events", json: draft { $0["descriptions"] = ["en": String(repeating: "a", count: 10 * 1_024 * 1_024)] }),
                    413, "payload-too-large", "10 MB"
                )

                let id = try #require(try await staff.send("POST", "/events", json: Self.draft(audience: ["organisations": [kenya]])).json["id"] as? String)
                let registrations = "/events/\(id)/registrations"
                expect(try await admin.send("POST", registrations, json: ["answers": ["q9": "?"]]), 422, "unknown-question", "unknown question")
                expect(try await admin.send("POST", registrations, json: ["answers": ["q1": String(repeating: "a", count: 2_001)]]), 422, "invalid-input", "long answer")
                expect(try await admin.send("POST", registrations, json: ["seat": "front"]), 400, "unknown-field", "unknown field")
                expect(try await admin.send("POST", "/events/\(UUID().uuidString.lowercased())/registrations", json: [:] as [String: Any]), 404, "not-found", "unknown event")
                expect(try await staff.send("POST", "/events/\(id)/messages", json: ["message": String(repeating: "m", count: 2_001)]), 422, "invalid-input", "long message")
                let registered = try await admin.send("POST", registrations, json: [:] as [String: Any])
                #expect(registered.status == 201)
                expect(try await admin.send("POST", registrations, json: [:] as [String: Any]), 409, "already-registered", "twice")

                // Once the event has started, registrations no longer change.
                try await pool.execute(
                    "UPDATE events SET starts_at = now() - interval '1 minute', ends_at = now() + interval '1 hour' WHERE id = \(UUID(uuidString: id))"
                )
                let registration = try #require(registered.json["id"] as? String)
                expect(try await admin.send("DELETE", "\(registrations)/\(registration)"), 409, "registration-closed", "cancel after the start")
                let colleague = try await server.signUp(email: "colleague@example.org", name: "Otieno")
                try await pool.execute(
                    "INSERT INTO memberships (organisation_id, account_id, role) VALUES (\(UUID(uuidString: kenya)), \(try await colleague.accountID()), 'member')"
                )
                expect(try await colleague.send("POST", registrations, json: [:] as [String: Any]), 409, "registration-closed", "register after the start")
            }
        }
    }
}
