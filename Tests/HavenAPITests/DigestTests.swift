import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// The digest of followed categories: what it counts, what it leaves out, and the one-click
/// unsubscribe its mail carries.
@Suite struct DigestTests {
    /// A week passes for everyone's digest.
    static func aWeekPasses(_ server: TestServer) async throws {
        try await server.services.pool.execute("UPDATE accounts SET digest_until = digest_until - interval '8 days' WHERE digest <> 'off'")
    }

    @Test func aWeeklyDigestCountsNewPostsInFollowedCategoriesAndUnsubscribesInOneClick() async throws {
        let smtp = try await TestSMTPServer.start()
        defer { smtp.stop() }
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let (admin, _) = try await server.administrator()
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let followed = try await server.category("preventing-violent-extremism")
                let other = try await server.category("victims-of-terrorism")
                let group = try #require(try await admin.send("POST", "/groups", json: ["name": "Closed circle"]).json["id"] as? String)
                let restricted = try #require(try await admin.send("POST", "/forums/categories", json: [
                    "slug": "closed-circle", "names": ["en": "Closed circle"], "visibility": "restricted", "visible_groups": [group],
                ]).json["id"] as? String)

                #expect(try await amina.send("PUT", "/forums/categories/\(followed)/follow").status == 204)
                #expect(try await amina.send("PUT", "/forums/categories/\(followed)/follow").status == 204, "following twice is the same")
                #expect(try await amina.send("PUT", "/forums/categories/\(restricted)/follow").status == 404)
                #expect(try await amina.send("PUT", "/forums/categories/\(UUID())/follow").status == 404)
                let weekly = try await amina.send("PUT", "/me/digest", json: ["frequency": "weekly"])
                #expect(weekly.json["frequency"] as? String == "weekly")
                #expect((weekly.json["categories"] as? [String])?.map { $0.lowercased() } == [followed.lowercased()], "\(weekly.text)")
                try await Self.aWeekPasses(server)

                let (topic, _, _) = try await omar.startTopic(in: followed, title: "Safe houses in the north", body: "Where we meet")
                _ = try await omar.replyIn(topic, "The new address is 12 Olive Street")
                _ = try await omar.replyIn(topic, "And another")
                _ = try await omar.startTopic(in: other, title: "Not followed", body: "Elsewhere")
                _ = try await amina.replyIn(topic, "My own reply is not news to me")

                #expect(try await server.services.digests.sendDue() == 1)
                #expect(try await server.services.digests.sendDue() == 0, "not due again for a week")
                let outbox = MailOutbox(
                    pool: server.services.pool,
                    transport: try SMTPClient(configuration: SMTPConfiguration(host: "127.0.0.1", port: smtp.port, security: .none)),
                    sender: "haven@haven.test"
                )
                try await outbox.deliverDue()
                let digest = try #require(try await smtp.waitForMessages(3).first { $0.headers["Subject"] == "Your Haven digest" })
                #expect(digest.rcpt_tos == ["amina@example.org"])
                let text = try #require(digest.parts["text/plain"])
                #expect(text.contains("1 new topics and 2 new replies in the categories you follow"), "\(text)")
                for secret in ["Safe houses", "Olive", "Omar", "Not followed"] { #expect(!digest.raw.contains(secret), "\(secret)") }
                #expect(digest.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click")
                let link = try #require(digest.headers["List-Unsubscribe"]?.dropFirst().dropLast())
                let path = try #require(URLComponents(string: String(link))).path + "?" + (URLComponents(string: String(link))?.query ?? "")
                #expect(path.hasPrefix("/digest/unsubscribe?token="))

                // One click, no sign-in: the digest is off. A forged token changes nothing.
                let anonymous = SessionClient(probe: server.client)
                let forged = path.dropLast(4) + "AAAA"
                let refused = try await anonymous.send("POST", String(forged), json: "List-Unsubscribe=One-Click", headers: ["Content-Type": "application/x-www-form-urlencoded"])
                #expect(refused.status == 403 && refused.json["type"] as? String == "urn:haven:problem:token-invalid")
                #expect(try await anonymous.send("POST", "/digest/unsubscribe").status == 422)
                let done = try await anonymous.send("POST", path, json: "List-Unsubscribe=One-Click", headers: ["Content-Type": "application/x-www-form-urlencoded"])
                #expect(done.status == 200, "\(done.text)")
                #expect(try await amina.send("GET", "/me/digest").json["frequency"] as? String == "off")
                try await Self.aWeekPasses(server)
                #expect(try await server.services.digests.sendDue() == 0)
            }
        }
    }

    @Test func withExcerptsAllowedTheDigestListsNewTopicsTitlesAndNothingNewMeansNoMail() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let followed = try await server.category("preventing-violent-extremism")
                #expect(try await amina.send("PUT", "/forums/categories/\(followed)/follow").status == 204)
                #expect(try await amina.send("PUT", "/me/digest", json: ["frequency": "daily"]).status == 200)
                let pool = server.services.pool
                let digests = Digests(
                    pool: pool, forums: Forums(pool: pool, notifications: NotificationsConfiguration(excerptsInMail: true)), secret: TestServices.secret
                )
                try await Self.aWeekPasses(server)
                #expect(try await digests.sendDue() == 0, "nothing new: no mail")
                try await Self.aWeekPasses(server)
                _ = try await omar.startTopic(in: followed, title: "Mentoring circles", body: "Hello")
                #expect(try await digests.sendDue() == 1)
                let body = try #require(
                    try await pool.query("SELECT body FROM mail_outbox WHERE kind = 'digest'").first?.decode(column: 0, as: String.self)
                )
                #expect(body.contains("- Mentoring circles"))
                // Unfollowed: nothing to count.
                #expect(try await amina.send("DELETE", "/forums/categories/\(followed)/follow").status == 204)
                #expect((try await amina.send("GET", "/me/digest").json["categories"] as? [String])?.isEmpty == true)
            }
        }
    }

    @Test func badDigestRequestsGetClearErrors() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let anonymous = SessionClient(probe: server.client)
                #expect(try await anonymous.send("GET", "/me/digest").status == 401)
                #expect(try await anonymous.send("PUT", "/me/digest", json: ["frequency": "daily"]).status == 401)
                #expect(try await anonymous.send("PUT", "/forums/categories/\(UUID())/follow").status == 401)
                #expect(try await amina.send("PUT", "/me/digest", json: ["frequency": "hourly"]).status == 422)
                #expect(try await amina.send("PUT", "/me/digest", json: "{").status == 400)
                #expect(try await amina.send("PUT", "/me/digest", json: ["frequency": "daily", "extra": 1]).status == 400)
                #expect(try await amina.send("PUT", "/me/digest", json: String(repeating: " ", count: 2 << 20)).status == 413)
                let malformed = try await amina.send("PUT", "/forums/categories/not-an-id/follow")
                #expect(malformed.status == 400, "\(malformed.text)")
                #expect(try await anonymous.send("POST", "/digest/unsubscribe?token=" + String(repeating: "a", count: 300)).status == 422)
            }
        }
    }
}
