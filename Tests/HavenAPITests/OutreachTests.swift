import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// The outreach directory staff use, and what organisations show to members of others.
@Suite struct OutreachTests {
    static func propose(_ client: SessionClient, _ body: [String: Any], approvedBy staff: SessionClient) async throws -> String {
        let proposed = try await client.send("POST", "/organisations", json: body)
        let id = try #require(proposed.json["id"] as? String, "\(proposed.text)")
        #expect(try await staff.send("POST", "/organisations/\(id)/approve").status == 204)
        return id
    }

    @Test func staffFindOrganisationsWithTheirEngagementAndMakeAnAudienceOfThem() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let (staff, _) = try await server.administrator()
                let kenyaAdmin = try await server.signUp(email: "ke@example.org", name: "Wanjiru")
                let jordanAdmin = try await server.signUp(email: "jo@example.org", name: "Rania")
                let franceAdmin = try await server.signUp(email: "fr@example.org", name: "Claire")
                let kenya = try await Self.propose(kenyaAdmin, [
                    "names": ["en": "Mothers of Mombasa"],
                    "country": "ke", "kind": "women-led", "thematic_areas": ["civic-space"],
                ], approvedBy: staff)
                let jordan = try await Self.propose(jordanAdmin, [
                    "names": ["ar": "شباب عمّان", "en": "Amman Youth 100%"], "country": "JO", "kind": "youth-led", "thematic_areas": ["preventing-violent-extremism"],
                ], approvedBy: staff)
                let france = try await Self.propose(franceAdmin, [
                    "names": ["fr": "Association des victimes"], "country": "FR", "kind": "victims-association", "thematic_areas": ["victims-of-terrorism"],
                ], approvedBy: staff)

                // Kenya answers a consultation asked of Kenya and Jordan.
                let consultation = try await staff.send("POST", "/consultations", json: ConsultationAPITests.draft(audience: ["countries": ["KE", "JO"]]))
                let consultationID = try #require(consultation.json["id"] as? String, "\(consultation.text)")
                #expect(try await kenyaAdmin.send("POST", "/consultations/\(consultationID)/contributions/\(kenya)/submit").status == 200)
                // Kenya comes to an event that has since ended; Jordan registered and cancelled.
                let event = try await staff.send("POST", "/events", json: EventAPITests.draft(audience: ["countries": ["KE", "JO"]]))
                let eventID = try #require(event.json["id"] as? String, "\(event.text)")
                let kenyaPlace = try await kenyaAdmin.send("POST", "/events/\(eventID)/registrations", json: ["organisation_id": kenya])
                #expect(kenyaPlace.status == 201, "\(kenyaPlace.text)")
                let jordanPlace = try await jordanAdmin.send("POST", "/events/\(eventID)/registrations", json: ["organisation_id": jordan])
                let jordanRegistration = try #require(jordanPlace.json["id"] as? String, "\(jordanPlace.text)")
                #expect(try await jordanAdmin.send("DELETE", "/events/\(eventID)/registrations/\(jordanRegistration)").status < 300)
                try await database.pool.execute(
                    "UPDATE events SET starts_at = now() - interval '2 days', ends_at = now() - interval '1 day' WHERE id = \(UUID(uuidString: eventID))"
                )

                func search(_ query: String) async throws -> (ids: [String], reply: HTTPProbe.Reply) {
                    let reply = try await staff.send("GET", "/outreach/organisations\(query)")
                    #expect(reply.status == 200, "\(query): \(reply.text)")
                    let entries = reply.json["organisations"] as? [[String: Any]] ?? []
                    return (entries.compactMap { ($0["organisation"] as? [String: Any])?["id"] as? String }, reply)
                }
                #expect(Set(try await search("").ids) == [kenya, jordan, france])
                #expect(try await search("?region=africa").ids == [kenya])
                #expect(Set(try await search("?region=asia,europe").ids) == [jordan, france])
                #expect(try await search("?country=fr").ids == [france])
                #expect(try await search("?kind=youth-led").ids == [jordan])
                #expect(try await search("?thematic_area=victims-of-terrorism,civic-space&region=africa").ids == [kenya])
                #expect(try await search("?q=%D8%B4%D8%A8%D8%A7%D8%A8").ids == [jordan])  // شباب, in the Arabic name
                #expect(try await search("?q=mombasa").ids == [kenya])
                #expect(try await search("?q=100%25").ids == [jordan])  // a literal %, not a wildcard
                #expect(try await search("?q=%25%25%25x").ids.isEmpty)
                #expect(try await search("?status=pending").ids.isEmpty)

                // Engagement, and the audience the result makes.
                let (ids, reply) = try await search("?region=africa,asia")
                let entries = reply.json["organisations"] as? [[String: Any]] ?? []
                let kenyaEntry = entries.first { ($0["organisation"] as? [String: Any])?["id"] as? String == kenya }
                #expect(kenyaEntry?["region"] as? String == "africa" && kenyaEntry?["members"] as? Int == 1)
                #expect(kenyaEntry?["consultations_invited"] as? Int == 1 && kenyaEntry?["consultations_answered"] as? Int == 1)
                #expect(kenyaEntry?["events_attended"] as? Int == 1)
                let jordanEntry = entries.first { ($0["organisation"] as? [String: Any])?["id"] as? String == jordan }
                #expect(jordanEntry?["consultations_invited"] as? Int == 1 && jordanEntry?["consultations_answered"] as? Int == 0)
                #expect(jordanEntry?["events_attended"] as? Int == 0)
                let audience = try #require(reply.json["audience"] as? [String: Any])
                #expect(Set(audience["organisations"] as? [String] ?? []) == Set(ids))
                // That audience, as given, opens a consultation that France does not see.
                var draft = ConsultationAPITests.draft(audience: audience)
                draft["titles"] = ["en": "Follow-up for Africa and Asia"]
                let followUp = try await staff.send("POST", "/consultations", json: draft)
                let followUpID = try #require(followUp.json["id"] as? String, "\(followUp.text)")
                #expect(try await kenyaAdmin.send("GET", "/consultations/\(followUpID)").status == 200)
                #expect(try await franceAdmin.send("GET", "/consultations/\(followUpID)").status == 404)

                // Members cannot use it; bad filters are clear errors.
                let refused = try await kenyaAdmin.send("GET", "/outreach/organisations")
                #expect(refused.status == 403 && refused.json["type"] as? String == "urn:haven:problem:forbidden")
                for query in ["country=KEN", "country=KE,", "region=mars", "kind=company", "thematic_area=", "status=closed", "q=" + String(repeating: "x", count: 201)] {
                    let bad = try await staff.send("GET", "/outreach/organisations?\(query)")
                    #expect(bad.status == 422 && bad.header("content-type") == "application/problem+json", "\(query): \(bad.status) \(bad.text)")
                }
            }
        }
    }

    @Test func membersOfOtherOrganisationsSeeOnlyWhatAnOrganisationShows() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let pool = database.pool
                let (staff, _) = try await server.administrator()
                let admin = try await server.signUp(email: "admin@example.org", name: "Wanjiru")
                let colleague = try await server.signUp(email: "colleague@example.org", name: "Otieno")
                let outsider = try await server.signUp(email: "outsider@example.org", name: "Rania")
                let body: [String: Any] = [
                    "names": ["en": "Survivors' Circle"], "country": "KE", "kind": "victims-association",
                    "thematic_areas": ["victims-of-terrorism"], "profile": "We meet on Tuesdays in Garissa.",
                ]
                let id = try await Self.propose(admin, body, approvedBy: staff)
                try await pool.execute(
                    "INSERT INTO memberships (organisation_id, account_id, role) VALUES (\(UUID(uuidString: id)), \(try await colleague.accountID()), 'member')"
                )
                // By default everything is shown, as before.
                #expect(try await outsider.send("GET", "/organisations/\(id)").json["profile"] as? String == "We meet on Tuesdays in Garissa.")

                // Names and country only.
                var changed = body
                changed["shown_to_members"] = ["listed", "country"]
                let patched = try await admin.send("PATCH", "/organisations/\(id)", json: changed)
                #expect(patched.status == 200 && patched.json["shown_to_members"] as? [String] == ["listed", "country"], "\(patched.text)")
                let seen = try await outsider.send("GET", "/organisations/\(id)")
                #expect(seen.status == 200 && seen.json["country"] as? String == "KE" && seen.json["names"] != nil)
                for hidden in ["profile", "kind", "thematic_areas", "shown_to_members"] { #expect(seen.json[hidden] == nil, "\(hidden): \(seen.text)") }
                #expect(!(try await outsider.send("GET", "/organisations").text.contains("Garissa")))
                // Its own members and staff see everything.
                for client in [colleague, staff] {
                    let full = try await client.send("GET", "/organisations/\(id)")
                    #expect(full.json["profile"] as? String == "We meet on Tuesdays in Garissa." && full.json["kind"] as? String == "victims-association")
                }

                // Not listed: members of other organisations are not told it exists.
                changed["shown_to_members"] = [String]()
                #expect(try await admin.send("PATCH", "/organisations/\(id)", json: changed).status == 200)
                #expect(try await outsider.send("GET", "/organisations/\(id)").status == 404)
                #expect(!(try await outsider.send("GET", "/organisations").text.contains(id)))
                #expect(try await colleague.send("GET", "/organisations/\(id)").status == 200)
                #expect((try await colleague.send("GET", "/organisations").text.contains(id)))
                // Staff still reach it through the directory.
                #expect(try await staff.send("GET", "/outreach/organisations?q=Survivors").text.contains("Garissa"))
                // An update that leaves the choice out keeps it.
                changed.removeValue(forKey: "shown_to_members")
                #expect(try await admin.send("PATCH", "/organisations/\(id)", json: changed).json["shown_to_members"] as? [String] == [])
                let unknown = try await admin.send("PATCH", "/organisations/\(id)", json: body.merging(["shown_to_members": ["email"]]) { $1 })
                #expect(unknown.status == 400 || unknown.status == 422, "\(unknown.text)")
            }
        }
    }
}
