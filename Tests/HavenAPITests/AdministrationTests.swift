import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

@Suite struct AdministrationTests {
    @Test func aDemotionAppliesOnTheVeryNextRequestAndAPromotionEndsSessions() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let (admin, _) = try await server.administrator()
                let (moderator, _) = try await server.staff(email: "mod@example.org", role: .moderator)
                let moderatorID = try await moderator.accountID()
                #expect(try await moderator.send("GET", "/groups").status == 200)
                #expect(try await admin.send("POST", "/accounts/\(moderatorID)/role", json: ["role": "member"]).status == 204)
                // Same session, next request: the privilege is gone.
                let after = try await moderator.send("GET", "/groups")
                #expect(after.status == 403)
                #expect(try await moderator.send("GET", "/me").json["role"] as? String == "member")

                let member = try await server.signUp(email: "rising@example.org")
                let memberID = try await member.accountID()
                #expect(try await admin.send("POST", "/accounts/\(memberID)/role", json: ["role": "moderator"]).status == 204)
                #expect(try await member.send("GET", "/me").status == 401, "a promotion ends the old sessions")
                let audit = try await admin.send("GET", "/audit?action=account.role-change")
                let entries = try #require((try? JSONSerialization.jsonObject(with: audit.body)) as? [[String: Any]])
                #expect(entries.count == 2)
                #expect((entries.first?["details"] as? [String: String])?["to"] == "moderator")
            }
        }
    }

    @Test func adminEndpointsRefuseBadInput() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let (admin, _) = try await server.administrator()
                let adminID = try await admin.accountID()
                let nobody = UUID().uuidString
                for path in ["/accounts/\(nobody)", "/organisations/\(nobody)"] {
                    #expect(try await admin.send("GET", path).status == 404, "\(path)")
                }
                for path in ["/accounts/\(nobody)/disable", "/accounts/\(nobody)/enable", "/accounts/\(nobody)/sign-out",
                             "/accounts/\(nobody)/two-factor-reset", "/two-factor-resets/\(nobody)/approve",
                             "/invitations/\(nobody)/approve", "/organisations/\(nobody)/approve"] {
                    #expect(try await admin.send("POST", path).status == 404, "\(path)")
                }
                #expect(try await admin.send("POST", "/accounts/\(nobody)/role", json: ["role": "member"]).status == 404)
                #expect(try await admin.send("DELETE", "/invitations/\(nobody)").status == 404)
                #expect(try await admin.send("POST", "/groups/\(nobody)/members", json: ["account_id": adminID.uuidString]).status == 404)
                // Not a UUID.
                let malformed = try await admin.send("GET", "/accounts/not-a-uuid")
                #expect(malformed.status == 400)
                // Invalid role names.
                let emperor = try await admin.send("POST", "/accounts/\(adminID)/role", json: ["role": "emperor"])
                #expect(emperor.status == 422)
                #expect(try await admin.send("POST", "/invitations", json: ["email": "x@example.org", "role": "root"]).status == 422)
                #expect(try await admin.send("GET", "/accounts?role=emperor").status == 422)
                #expect(try await admin.send("GET", "/audit?actor=someone").status == 422)
                // The last administrator cannot demote themself (or be demoted).
                let last = try await admin.send("POST", "/accounts/\(adminID)/role", json: ["role": "member"])
                #expect(last.status == 422)
                #expect((last.json["detail"] as? String)?.contains("last administrator") == true)
                #expect(try await admin.send("POST", "/accounts/\(adminID)/disable").status == 422, "not oneself")
                #expect(try await admin.send("POST", "/accounts/\(adminID)/two-factor-reset").status == 422, "not one's own")
                // With a second administrator, a demotion is possible.
                let (second, _) = try await server.staff(email: "second@haven.test", role: .administrator)
                #expect(try await second.send("POST", "/accounts/\(adminID)/role", json: ["role": "moderator"]).status == 204)
            }
        }
    }

    @Test func resettingASecondFactorNeedsASecondAdministrator() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let (first, _) = try await server.administrator()
                let (second, _) = try await server.staff(email: "second@haven.test", role: .administrator)
                let (moderator, secret) = try await server.staff(email: "lost-phone@example.org", role: .moderator)
                let moderatorID = try await moderator.accountID()
                let requested = try await first.send("POST", "/accounts/\(moderatorID)/two-factor-reset")
                #expect(requested.status == 201)
                let requestID = try #require(requested.json["id"] as? String)
                #expect(try await first.send("POST", "/two-factor-resets/\(requestID)/approve").status == 403, "not by the requester")
                #expect(try await second.send("GET", "/two-factor-resets").text.contains(requestID))
                #expect(try await second.send("POST", "/two-factor-resets/\(requestID)/approve").status == 204)
                #expect(try await moderator.send("GET", "/me").status == 401, "their sessions end")
                // The old authenticator no longer counts; they sign in with the password and must enrol again.
                let (again, reply) = try await server.signIn(email: "lost-phone@example.org", password: "a long and unusual passphrase")
                #expect(reply.status == 200)
                _ = secret
                #expect(try await again.send("GET", "/groups").json["type"] as? String == "urn:haven:problem:second-factor-enrolment-required")
            }
        }
    }
}
