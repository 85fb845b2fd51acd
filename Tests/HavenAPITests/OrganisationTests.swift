import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

@Suite struct OrganisationTests {
    @Test func proposedOrganisationIsHiddenUntilApprovedThenInvitationsNeedStaffApproval() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let (admin, _) = try await server.administrator()
                let founder = try await server.signUp(email: "founder@example.org", name: "Founder")
                let stranger = try await server.signUp(email: "stranger@example.org", name: "Stranger")
                let proposed = try await founder.send(
                    "POST", "/organisations",
                    json: ["names": ["en": "Voices of Survivors", "ar": "أصوات الناجين"], "country": "iq", "kind": "victims-association",
                           "thematic_areas": ["victims-of-terrorism", "human-rights"], "profile": "Support for survivors."]
                )
                #expect(proposed.status == 201, "\(proposed.text)")
                let id = try #require(proposed.json["id"] as? String)
                #expect(proposed.json["status"] as? String == "pending")
                #expect(proposed.json["country"] as? String == "IQ")
                #expect(try await stranger.send("GET", "/organisations/\(id)").status == 404, "pending is hidden")
                #expect(try await founder.send("GET", "/organisations/\(id)").status == 200)
                // An unapproved organisation cannot invite (yet: a conflict with its state).
                let early = try await founder.send("POST", "/organisations/\(id)/invitations", json: ["email": "a@example.org"])
                #expect(early.status == 409 && early.json["type"] as? String == "urn:haven:problem:state-conflict", "\(early.text)")
                #expect(try await admin.send("POST", "/organisations/\(id)/approve").status == 204)
                #expect(try await stranger.send("GET", "/organisations/\(id)").status == 200)
                #expect(try await stranger.send("GET", "/organisations/\(id)/members").status == 404, "members are for members")

                // The founder invites a colleague; staff approve; only then the mail goes out.
                let invited = try await founder.send("POST", "/organisations/\(id)/invitations", json: ["email": "colleague@example.org"])
                #expect(invited.status == 201)
                #expect(try await server.lastMail(to: "colleague@example.org", kind: "invitation") == nil)
                let invitationID = try #require(invited.json["id"] as? String)
                #expect(try await admin.send("POST", "/invitations/\(invitationID)/approve").status == 204)
                let token = try #require(server.token(inMail: try await server.lastMail(to: "colleague@example.org", kind: "invitation")))
                var colleague = SessionClient(probe: server.client)
                let accepted = try await colleague.send(
                    "POST", "/invitations/accept", json: ["token": token, "display_name": "Colleague", "password": "a long and unusual passphrase"]
                )
                #expect(accepted.status == 201)
                colleague.adopt(accepted)
                let members = try await colleague.send("GET", "/organisations/\(id)/members")
                #expect(members.status == 200)
                #expect(members.text.contains("Founder") && members.text.contains("Colleague"))

                // An existing account joins with the token after signing in.
                let joined = try await founder.send("POST", "/organisations/\(id)/invitations", json: ["email": "stranger@example.org", "role": "member"])
                let joinID = try #require(joined.json["id"] as? String)
                #expect(try await admin.send("POST", "/invitations/\(joinID)/approve").status == 204)
                let joinToken = try #require(server.token(inMail: try await server.lastMail(to: "stranger@example.org", kind: "invitation")))
                #expect(try await colleague.send("POST", "/invitations/join", json: ["token": joinToken]).status == 403, "not for another address")
                #expect(try await stranger.send("POST", "/invitations/join", json: ["token": joinToken]).status == 204)
                #expect(try await stranger.send("GET", "/organisations/\(id)/members").status == 200)

                // The last organisation admin stays.
                let founderID = try await founder.accountID()
                let removeLast = try await founder.send("DELETE", "/organisations/\(id)/members/\(founderID)")
                #expect(removeLast.status == 409 && removeLast.json["type"] as? String == "urn:haven:problem:state-conflict")
                let colleagueID = try await colleague.accountID()
                #expect(try await colleague.send("DELETE", "/organisations/\(id)/members/\(founderID)").status == 403, "members cannot remove")
                #expect(try await founder.send("DELETE", "/organisations/\(id)/members/\(colleagueID)").status == 204)
            }
        }
    }

    @Test func theDirectoryListsOnlyThoseWhoOptIn() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let shy = try await server.signUp(email: "shy@example.org", name: "Shy Person")
                let open = try await server.signUp(email: "open@example.org", name: "Open Person")
                #expect(try await open.send("PATCH", "/me", json: ["directory_visible": true]).status == 200)
                let listing = try await shy.send("GET", "/directory")
                #expect(listing.status == 200)
                #expect(listing.text.contains("Open Person"))
                #expect(!listing.text.contains("Shy Person"))
                #expect(!listing.text.contains("@example.org"), "no email addresses in the directory")
            }
        }
    }
}
