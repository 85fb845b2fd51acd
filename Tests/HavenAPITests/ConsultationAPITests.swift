import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// Consultations over HTTPS, as staff, invited organisations and outsiders use them.
@Suite struct ConsultationAPITests {
    static func iso(_ offset: TimeInterval) -> String { Date().addingTimeInterval(offset).formatted(.iso8601) }

    static func draft(audience: [String: Any], opens: TimeInterval = -60, closes: TimeInterval = 86_400) -> [String: Any] {
        [
            "titles": ["en": "Eighth review of the Strategy", "ar": "الاستعراض الثامن للاستراتيجية"],
            "descriptions": ["en": "Written inputs from civil society."],
            "questions": [["prompts": ["en": "What works?"]], ["prompts": ["en": "Shrinking civic space?"], "choices": ["yes", "no"]]],
            "audience": audience, "opens_at": Self.iso(opens), "closes_at": Self.iso(closes),
        ]
    }

    /// An approved organisation in `country` with `admin` as its admin and `members` as members.
    static func organisation(
        _ name: String, country: String, admin: SessionClient, members: [SessionClient], approvedBy staff: SessionClient, pool: PostgresPool
    ) async throws -> String {
        let proposed = try await admin.send("POST", "/organisations", json: ["names": ["en": name], "country": country, "kind": "other"])
        let id = try #require(proposed.json["id"] as? String, "\(proposed.text)")
        #expect(try await staff.send("POST", "/organisations/\(id)/approve").status == 204)
        for member in members {
            let account = try await member.accountID()
            try await pool.execute("INSERT INTO memberships (organisation_id, account_id, role) VALUES (\(UUID(uuidString: id)), \(account), 'member')")
        }
        return id
    }

    @Test func staffAskAndOnlyTheInvitedAnswerEachForItself() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let pool = database.pool
                let (staff, _) = try await server.administrator()
                let kenyaAdmin = try await server.signUp(email: "ke-admin@example.org", name: "Wanjiru")
                let kenyaMember = try await server.signUp(email: "ke-member@example.org", name: "Otieno")
                let jordanAdmin = try await server.signUp(email: "jo-admin@example.org", name: "Rania")
                let brazilAdmin = try await server.signUp(email: "br-admin@example.org", name: "Ana")
                let kenya = try await Self.organisation("Kenya CSO", country: "KE", admin: kenyaAdmin, members: [kenyaMember], approvedBy: staff, pool: pool)
                let jordan = try await Self.organisation("Jordan CSO", country: "JO", admin: jordanAdmin, members: [], approvedBy: staff, pool: pool)
                let brazil = try await Self.organisation("Brazil CSO", country: "BR", admin: brazilAdmin, members: [], approvedBy: staff, pool: pool)

                let created = try await staff.send("POST", "/consultations", json: Self.draft(audience: ["countries": ["ke", "JO"]]))
                #expect(created.status == 201, "\(created.text)")
                let id = try #require(created.json["id"] as? String)
                #expect((created.json["questions"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["q1", "q2"])

                // Outside the audience: not found, and absent from the list.
                #expect(try await brazilAdmin.send("GET", "/consultations/\(id)").status == 404)
                #expect((try await brazilAdmin.send("GET", "/consultations").json["consultations"] as? [Any])?.isEmpty == true)
                #expect(try await brazilAdmin.send("PUT", "/consultations/\(id)/contributions/\(brazil)", json: ["answers": ["q1": "x"]]).status == 404)
                #expect(try await kenyaMember.send("GET", "/consultations/\(id)").status == 200)
                #expect((try await jordanAdmin.send("GET", "/consultations").json["consultations"] as? [Any])?.count == 1)

                // Kenya drafts; Jordan cannot read or touch Kenya's draft.
                let saved = try await kenyaMember.send("PUT", "/consultations/\(id)/contributions/\(kenya)", json: ["answers": ["q1": "Mothers' circles", "q2": "yes"]])
                #expect(saved.status == 200, "\(saved.text)")
                #expect(saved.json["submitted_at"] == nil)
                for method in ["GET", "PUT"] {
                    let reply = try await jordanAdmin.send(method, "/consultations/\(id)/contributions/\(kenya)", json: method == "PUT" ? ["answers": ["q1": "x"]] : nil)
                    #expect(reply.status == 404, "\(method): \(reply.text)")
                }
                #expect(try await jordanAdmin.send("GET", "/consultations/\(id)/contributions/\(jordan)").json["answers"] as? [String: String] == [:])

                // Publication before submission is impossible; a member cannot submit; the admin can.
                let early = try await kenyaAdmin.send("PUT", "/consultations/\(id)/contributions/\(kenya)/publication", json: ["publication": "named"])
                #expect(early.status == 409 && early.json["type"] as? String == "urn:haven:problem:contribution-not-submitted", "\(early.text)")
                #expect(try await kenyaMember.send("POST", "/consultations/\(id)/contributions/\(kenya)/submit").status == 403)
                let submitted = try await kenyaAdmin.send("POST", "/consultations/\(id)/contributions/\(kenya)/submit")
                #expect(submitted.status == 200 && submitted.json["submitted_at"] is String, "\(submitted.text)")
                let frozen = try await kenyaMember.send("PUT", "/consultations/\(id)/contributions/\(kenya)", json: ["answers": ["q1": "Changed"]])
                #expect(frozen.status == 409 && frozen.json["type"] as? String == "urn:haven:problem:contribution-submitted")
                // Staff cannot consent for Kenya; Kenya's admin can.
                #expect(try await staff.send("PUT", "/consultations/\(id)/contributions/\(kenya)/publication", json: ["publication": "named"]).status == 404)
                let consent = try await kenyaAdmin.send("PUT", "/consultations/\(id)/contributions/\(kenya)/publication", json: ["publication": "anonymous"])
                #expect(consent.json["publication"] as? String == "anonymous", "\(consent.text)")

                // Jordan's draft is not submitted: staff see Kenya's submission only.
                _ = try await jordanAdmin.send("PUT", "/consultations/\(id)/contributions/\(jordan)", json: ["answers": ["q1": "Draft only"]])
                let listed = try await staff.send("GET", "/consultations/\(id)/contributions")
                let contributions = listed.json["contributions"] as? [[String: Any]] ?? []
                #expect(contributions.compactMap { $0["organisation_id"] as? String } == [kenya], "\(listed.text)")
                #expect((contributions.first?["answers"] as? [String: String])?["q1"] == "Mothers' circles")
                #expect(try await kenyaAdmin.send("GET", "/consultations/\(id)/contributions").status == 403)

                // After the deadline, Jordan's draft no longer changes.
                try await pool.execute(
                    "UPDATE consultations SET opens_at = now() - interval '2 days', closes_at = now() - interval '1 second' WHERE id = \(UUID(uuidString: id))"
                )
                let late = try await jordanAdmin.send("PUT", "/consultations/\(id)/contributions/\(jordan)", json: ["answers": ["q1": "Late"]])
                #expect(late.status == 409 && late.json["type"] as? String == "urn:haven:problem:consultation-closed", "\(late.text)")
                #expect(try await jordanAdmin.send("POST", "/consultations/\(id)/contributions/\(jordan)/submit").status == 409)
            }
        }
    }

    @Test func badRequestsGetClearErrors() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let pool = database.pool
                let (staff, _) = try await server.administrator()
                let admin = try await server.signUp(email: "ke-admin@example.org", name: "Wanjiru")
                let kenya = try await Self.organisation("Kenya CSO", country: "KE", admin: admin, members: [], approvedBy: staff, pool: pool)
                let anonymous = SessionClient(probe: server.client)
                func expect(_ reply: HTTPProbe.Reply, _ status: Int, _ type: String, _ label: String) {
                    #expect(reply.status == status && reply.json["type"] as? String == "urn:haven:problem:\(type)", "\(label): \(reply.status) \(reply.text)")
                }
                expect(try await anonymous.send("POST", "/consultations", json: Self.draft(audience: ["all": true])), 401, "unauthenticated", "anonymous")
                expect(try await admin.send("POST", "/consultations", json: Self.draft(audience: ["all": true])), 403, "forbidden", "member")
                var backwards = Self.draft(audience: ["all": true])
                backwards["closes_at"] = Self.iso(-3_600)
                expect(try await staff.send("POST", "/consultations", json: backwards), 422, "invalid-input", "closing before opening")
                expect(try await staff.send("POST", "/consultations", json: Self.draft(audience: [:])), 422, "invalid-input", "no audience")
                expect(try await staff.send("POST", "/consultations", json: Self.draft(audience: ["countries": ["NZ"]])), 422, "empty-audience", "nobody in NZ")
                var undated = Self.draft(audience: ["all": true])
                undated["opens_at"] = "next Tuesday"
                expect(try await staff.send("POST", "/consultations", json: undated), 422, "invalid-input", "a date that is not one")
                var extra = Self.draft(audience: ["all": true])
                extra["owner"] = "me"
                expect(try await staff.send("POST", "/consultations", json: extra), 400, "unknown-field", "unknown field")
                expect(try await staff.send("POST", "/consultations", json: "{\"titles\":"), 400, "malformed-body", "malformed")

                let id = try #require(try await staff.send("POST", "/consultations", json: Self.draft(audience: ["all": true])).json["id"] as? String)
                let contribution = "/consultations/\(id)/contributions/\(kenya)"
                expect(try await admin.send("PUT", contribution, json: ["answers": ["q7": "?"]]), 422, "unknown-question", "unknown question")
                expect(try await admin.send("PUT", contribution, json: ["answers": ["q2": "maybe"]]), 422, "invalid-input", "not a choice")
                expect(try await admin.send("PUT", contribution, json: ["answers": ["q1": String(repeating: "a", count: 25_000)]]), 422, "invalid-input", "too long")
                expect(try await admin.send("PUT", contribution, json: ["answers": ["q1": String(repeating: "a", count: 10 * 1_024 * 1_024)]]), 413, "payload-too-large", "10 MB")
                expect(try await admin.send("PUT", "\(contribution)/publication", json: ["publication": "everyone"]), 422, "invalid-input", "publication")
                expect(try await admin.send("GET", "/consultations/\(UUID().uuidString.lowercased())"), 404, "not-found", "unknown consultation")
                #expect(try await admin.send("GET", contribution).json["answers"] as? [String: String] == [:])
            }
        }
    }
}
