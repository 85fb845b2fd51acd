import Foundation
import HavenAPI
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// The moderation queue in the browser: pending posts approved or rejected with a reason,
/// document versions decided, reports settled; members kept out, malformed forms answered 422.
@Suite struct WebModerationPagesTests {
    static let password = "a long and unusual passphrase"

    /// Staff sign in with their password alone here; the second-factor rule has its own test.
    static func accounts() -> AccountsConfiguration {
        var accounts = lenientAccounts()
        accounts.requireSecondFactorForStaff = false
        return accounts
    }

    /// A browser signed in as `email`.
    static func browser(_ server: TestServer, _ email: String) async throws -> WebClient {
        let web = WebClient(probe: server.client)
        let reply = try await web.fill("/web/sign-in", submitTo: "/web/sign-in", [("email", email), ("password", Self.password)])
        #expect(reply.status == 303, "\(email) signs in: \(reply.text)")
        return web
    }

    @Test func aPendingPostApprovedThroughThePageBecomesVisibleToMembers() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.accounts(), forums: ModerationTests.moderated()) { server in
                _ = try await server.signUp(email: "moderator@haven.test", role: .moderator, name: "Mod")
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let category = try await server.category("preventing-violent-extremism")
                let (topic, first, _) = try await amina.startTopic(in: category, title: "Youth mentoring", body: "A *mentoring* method")
                let post = first.lowercased()
                #expect(try await omar.send("GET", "/forums/topics/\(topic)").status == 404)

                let moderator = try await Self.browser(server, "moderator@haven.test")
                let home = try await moderator.get("/web/")
                #expect(home.text.contains("href=\"/web/moderation\""), "staff see the queue in the navigation")
                #expect(!home.text.contains("href=\"/web/admin\""), "moderators do not see administration")
                let queue = try await moderator.get("/web/moderation")
                #expect(queue.status == 200, "\(queue.text)")
                #expect(queue.text.contains("<article class=\"queued\" id=\"queued-post-\(post)\">"))
                #expect(queue.text.contains("Youth mentoring") && queue.text.contains("Amina"))
                #expect(queue.text.contains("<em>mentoring</em>"), "the sanitised html is shown")
                #expect(!queue.text.contains("<title>Youth"), "no topic title in the page title")

                let approved = try await moderator.submit("/web/moderation/posts/\(post)/decision", [("decision", "approve"), ("reason", "")], from: queue)
                #expect(approved.status == 303, "\(approved.text)")
                #expect(approved.header("Location") == "/web/moderation?done=post-approved")
                let after = try await moderator.get("/web/moderation?done=post-approved")
                #expect(after.text.contains("The post is published."))
                #expect(!after.text.contains("queued-post-\(post)"))
                #expect(try await omar.send("GET", "/forums/topics/\(topic)").status == 200, "members see it now")
                // Decided already: the page says so, never 500.
                let again = try await moderator.submit("/web/moderation/posts/\(post)/decision", [("decision", "approve")], from: queue)
                #expect(again.status == 409)

                // Members cannot open the queue nor decide.
                let member = try await Self.browser(server, "omar@example.org")
                #expect(try await member.get("/web/moderation").status == 403)
                let memberHome = try await member.get("/web/")
                #expect(!memberHome.text.contains("href=\"/web/moderation\""))
                #expect(try await member.submit("/web/moderation/posts/\(post)/decision", [("decision", "approve")], from: memberHome).status == 403)
            }
        }
    }

    @Test func aRejectionNeedsAReasonWhichTheAuthorReads() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.accounts(), forums: ModerationTests.moderated()) { server in
                _ = try await server.signUp(email: "moderator@haven.test", role: .moderator)
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let category = try await server.category("preventing-violent-extremism")
                let post = try await omar.startTopic(in: category, title: "Cheap watches", body: "Buy cheap watches").post.lowercased()
                let moderator = try await Self.browser(server, "moderator@haven.test")
                let queue = try await moderator.get("/web/moderation")

                let noReason = try await moderator.submit("/web/moderation/posts/\(post)/decision", [("decision", "reject"), ("reason", "  ")], from: queue)
                #expect(noReason.status == 422)
                #expect(noReason.text.contains("Give a reason: the author will read it."))
                #expect(noReason.text.contains("queued-post-\(post)"), "the queue is shown again")
                let unknown = try await moderator.submit("/web/moderation/posts/\(post)/decision", [("decision", "maybe")], from: queue)
                #expect(unknown.status == 422)
                let missing = try await moderator.submit("/web/moderation/posts/\(UUID().uuidString)/decision", [("decision", "approve")], from: queue)
                #expect(missing.status == 404)
                let notAnID = try await moderator.submit("/web/moderation/posts/nope/decision", [("decision", "approve")], from: queue)
                #expect(notAnID.status == 404)

                let rejected = try await moderator.submit(
                    "/web/moderation/posts/\(post)/decision", [("decision", "reject"), ("reason", "Advertising is off-topic here.")], from: queue
                )
                #expect(rejected.status == 303)
                #expect(rejected.header("Location") == "/web/moderation?done=post-rejected")
                let mine = try await omar.send("GET", "/forums/submissions")
                let entry = try #require((mine.json["items"] as? [[String: Any]])?.first)
                #expect(entry["state"] as? String == "rejected" && entry["moderation_reason"] as? String == "Advertising is off-topic here.")
            }
        }
    }

    @Test func aDocumentVersionIsApprovedOrRejectedFromTheQueue() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.accounts()) { server in
                _ = try await server.signUp(email: "moderator@haven.test", role: .moderator)
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let created = try await amina.uploadRaw(Data("Toolkit.\n".utf8), metadata: libraryMetadata("Toolkit", extra: ["filename": "toolkit.txt"]))
                #expect(created.status == 201, "\(created.text)")
                let id = try #require(created.json["id"] as? String).lowercased()
                let second = try await amina.uploadRaw(Data("Toolkit 2.\n".utf8), metadata: [:], to: "/documents/\(id)/versions?filename=toolkit-2.txt")
                #expect(second.status == 201, "\(second.text)")

                let moderator = try await Self.browser(server, "moderator@haven.test")
                let queue = try await moderator.get("/web/moderation")
                #expect(queue.text.contains("<article class=\"queued\" id=\"queued-document-\(id)-1\">"), "\(queue.text)")
                #expect(queue.text.contains("id=\"queued-document-\(id)-2\""))
                #expect(queue.text.contains("Toolkit") && queue.text.contains("toolkit.txt"))

                let path = "/web/moderation/documents/\(id)/versions/1/decision"
                #expect(try await moderator.submit(path, [("decision", "reject")], from: queue).status == 422)
                #expect(try await moderator.submit(path, [("decision", "publish")], from: queue).status == 422)
                #expect(try await moderator.submit("/web/moderation/documents/\(id)/versions/x/decision", [("decision", "approve")], from: queue).status == 404)
                #expect(try await moderator.submit("/web/moderation/documents/\(id)/versions/9/decision", [("decision", "approve")], from: queue).status == 404)
                #expect(try await omar.fetch("/documents/\(id)").status == 404)

                let approved = try await moderator.submit(path, [("decision", "approve")], from: queue)
                #expect(approved.status == 303, "\(approved.text)")
                #expect(approved.header("Location") == "/web/moderation?done=document-approved")
                #expect(try await omar.fetch("/documents/\(id)").status == 200, "members see the approved version")

                let rejected = try await moderator.submit(
                    "/web/moderation/documents/\(id)/versions/2/decision", [("decision", "reject"), ("reason", "Names are visible.")], from: queue
                )
                #expect(rejected.header("Location") == "/web/moderation?done=document-rejected")
                let documentID = try #require(UUID(uuidString: id))
                let state = try await server.services.pool.query(
                    "SELECT state, reason FROM document_versions WHERE document_id = \(documentID) AND version = 2"
                ).first?.decode((String, String).self)
                #expect(state?.0 == "rejected" && state?.1 == "Names are visible.")
                let empty = try await moderator.get("/web/moderation")
                #expect(!empty.text.contains("queued-document-"))
            }
        }
    }

    @Test func aReportIsDismissedOrItsPostHiddenWithANote() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.accounts(), forums: lenientForums()) { server in
                _ = try await server.signUp(email: "moderator@haven.test", role: .moderator)
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let category = try await server.category("preventing-violent-extremism")
                let (_, post, _) = try await amina.startTopic(in: category, title: "Meeting notes", body: "Notes with a phone number")
                let flagged = try await omar.send("POST", "/forums/posts/\(post)/flags", json: ["reason": "personal-data", "note": "It has a number"])
                #expect(flagged.status < 300, "\(flagged.text)")
                let flag = try #require(try await server.services.pool.query("SELECT id FROM forum_flags").first?.decode(column: 0, as: UUID.self))
                let flagID = flag.uuidString.lowercased()

                let moderator = try await Self.browser(server, "moderator@haven.test")
                let queue = try await moderator.get("/web/moderation")
                #expect(queue.text.contains("id=\"queued-flag-\(flagID)\""), "\(queue.text)")
                #expect(queue.text.contains("Exposes someone") && queue.text.contains("It has a number"))
                #expect(!queue.text.contains("Omar"), "who reported is not shown")

                let path = "/web/moderation/flags/\(flagID)/resolve"
                #expect(try await moderator.submit(path, [("resolution", "deleted")], from: queue).status == 422)
                #expect(try await moderator.submit(path, [("resolution", "post-hidden"), ("note", "")], from: queue).status == 422)
                #expect(try await moderator.submit("/web/moderation/flags/\(UUID().uuidString)/resolve", [("resolution", "dismissed")], from: queue).status == 404)

                let hidden = try await moderator.submit(path, [("resolution", "post-hidden"), ("note", "Phone numbers put people at risk.")], from: queue)
                #expect(hidden.status == 303, "\(hidden.text)")
                #expect(hidden.header("Location") == "/web/moderation?done=flag-resolved")
                let resolved = try await server.services.pool.query("SELECT resolution FROM forum_flags WHERE id = \(flag)").first?.decode(column: 0, as: String.self)
                #expect(resolved == "post-hidden")
                let postID = try #require(UUID(uuidString: post))
                let state = try await server.services.pool.query("SELECT state FROM forum_posts WHERE id = \(postID)").first?.decode(column: 0, as: String.self)
                #expect(state == "hidden")
                #expect(try await moderator.submit(path, [("resolution", "dismissed")], from: queue).status == 409)
            }
        }
    }
}
