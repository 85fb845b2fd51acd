import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// Notifications end to end: who is told what by each forum, document and security event, the
/// inbox and its preferences, and the mail that goes out (a real SMTP server reads it).
@Suite struct NotificationTests {
    /// The inbox's notifications, newest first, as (kind, subject id).
    static func inbox(_ client: SessionClient, query: String = "") async throws -> [(kind: String, subject: String?, details: [String: String])] {
        let reply = try await client.send("GET", "/me/notifications" + query)
        #expect(reply.status == 200, "\(reply.text)")
        return (reply.json["items"] as? [[String: Any]] ?? []).map { item in
            (item["kind"] as? String ?? "", (item["subject"] as? [String: Any])?["id"] as? String, item["details"] as? [String: String] ?? [:])
        }
    }

    static func kinds(_ client: SessionClient) async throws -> [String] {
        try await Self.inbox(client).map(\.kind)
    }

    static func mails(to recipient: String, _ server: TestServer) async throws -> [(kind: String, subject: String, body: String, language: String)] {
        try await server.services.pool.query(
            "SELECT kind, subject, body, language FROM mail_outbox WHERE recipient = \(recipient) AND kind LIKE 'notification.%' ORDER BY created_at"
        ).map { try $0.decode((String, String, String, String).self) }.map { ($0.0, $0.1, $0.2, $0.3) }
    }

    @Test func forumEventsReachAuthorsReportersAndModerators() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: ModerationTests.moderated()) { server in
                let (moderator, _) = try await server.staff(email: "moderator@haven.test", role: .moderator)
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let category = try await server.category("preventing-violent-extremism")
                let before = try await Self.kinds(moderator)

                // A new member's topic waits: moderators are told, by id only.
                let (topic, first, _) = try await amina.startTopic(in: category, title: "Youth mentoring", body: "Our method")
                var moderatorInbox = try await Self.inbox(moderator)
                #expect(moderatorInbox.count == before.count + 1)
                #expect(moderatorInbox.first?.kind == "moderation-queue" && moderatorInbox.first?.subject == topic)
                #expect(try await Self.kinds(amina).isEmpty, "no notice of one's own pending post")

                #expect(try await moderator.send("POST", "/moderation/posts/\(first)/decision", json: ["decision": "approve"]).status == 204)
                #expect(try await Self.inbox(amina).map { "\($0.kind) \($0.subject ?? "")" } == ["post-approved \(first)"])

                // Omar's first reply waits; rejected with a reason he reads in his inbox. Amina hears nothing of it.
                let (rejectedPost, _) = try await omar.replyIn(topic, "Spam, spam")
                moderatorInbox = try await Self.inbox(moderator)
                #expect(moderatorInbox.first?.kind == "moderation-queue" && moderatorInbox.first?.subject == rejectedPost)
                let reason = "Off topic: please stay with mentoring."
                #expect(try await moderator.send("POST", "/moderation/posts/\(rejectedPost)/decision", json: ["decision": "reject", "reason": reason]).status == 204)
                let omarInbox = try await Self.inbox(omar)
                #expect(omarInbox.first?.kind == "post-rejected" && omarInbox.first?.details["reason"] == reason)
                #expect(try await Self.kinds(amina) == ["post-approved"])

                // Approved, his next reply tells Amina there is a reply in her topic.
                let (reply, _) = try await omar.replyIn(topic, "Mentors from the same neighbourhood work best")
                #expect(try await moderator.send("POST", "/moderation/posts/\(reply)/decision", json: ["decision": "approve"]).status == 204)
                let aminaInbox = try await Self.inbox(amina)
                #expect(aminaInbox.map(\.kind) == ["reply", "post-approved"])
                #expect(aminaInbox.first?.subject == topic)
                #expect(try await Self.kinds(omar) == ["post-approved", "post-rejected"])

                // Trusted now, Omar's replies go straight out and tell Amina; Amina's own replies tell nobody.
                _ = try await omar.replyIn(topic, "And they should be paid")
                #expect(try await Self.kinds(amina) == ["reply", "reply", "post-approved"])
                let (aminaReply, _) = try await amina.replyIn(topic, "Agreed")
                #expect(try await Self.kinds(amina).count == 3)
                #expect(try await Self.kinds(omar).count == 2)

                // Omar reports Amina's reply; when it is settled he learns the outcome, not the moderator's note.
                #expect(try await omar.send("POST", "/forums/posts/\(aminaReply)/flags", json: ["reason": "other", "note": "Check"]).status == 204)
                let queue = try await moderator.send("GET", "/moderation/queue")
                let flag = try #require((queue.json["flags"] as? [[String: Any]])?.first?["flag_id"] as? String)
                let resolved = try await moderator.send("POST", "/moderation/flags/\(flag)/resolve", json: ["resolution": "dismissed", "note": "Private note"])
                #expect(resolved.status == 204, "\(resolved.text)")
                let settled = try #require(try await Self.inbox(omar).first)
                #expect(settled.kind == "flag-resolved" && settled.subject == aminaReply && settled.details == ["resolution": "dismissed"])

                // In-app by default: no mail about any of this.
                #expect(try await Self.mails(to: "amina@example.org", server).isEmpty)
                #expect(try await Self.mails(to: "omar@example.org", server).isEmpty)
            }
        }
    }

    @Test func documentDecisionsReachTheUploaderAndTheQueueReachesModerators() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let (moderator, _) = try await server.staff(email: "moderator@haven.test", role: .moderator)
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let created = try await amina.uploadRaw(Data("Toolkit\n".utf8), metadata: libraryMetadata("Toolkit", extra: ["filename": "t.txt"]))
                let id = try #require(created.json["id"] as? String)
                let queued = try #require(try await Self.inbox(moderator).first)
                #expect(queued.kind == "moderation-queue" && queued.subject == id)
                #expect(try await moderator.send("POST", "/moderation/documents/\(id)/versions/1/decision", json: ["decision": "approve"]).status == 200)
                #expect(try await Self.inbox(amina).map { "\($0.kind) \($0.subject ?? "")" } == ["document-approved \(id)"])
                #expect(try await amina.uploadRaw(Data("Toolkit 2\n".utf8), metadata: [:], to: "/documents/\(id)/versions?filename=t2.txt").status == 201)
                let reason = "Names of participants are visible."
                let rejected = try await moderator.send(
                    "POST", "/moderation/documents/\(id)/versions/2/decision", json: ["decision": "reject", "reason": reason]
                )
                #expect(rejected.status == 200, "\(rejected.text)")
                let latest = try #require(try await Self.inbox(amina).first)
                #expect(latest.kind == "document-rejected" && latest.details["reason"] == reason && latest.details["version"] == "2")
                // A staff upload is not vetted, so nobody is told of it.
                let count = try await Self.kinds(moderator).count
                let (administrator, _) = try await server.administrator()
                #expect(try await administrator.uploadRaw(Data("Guidance\n".utf8), metadata: libraryMetadata("Guidance", extra: ["filename": "g.txt"])).status == 201)
                #expect(try await Self.kinds(moderator).count == count)
            }
        }
    }

    @Test func securityEventsArriveByMailAndCannotBeTurnedOff() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let password = "a long and unusual passphrase"
                let amina = try await server.signUp(email: "amina@example.org", password: password, name: "Amina")
                // A new browser: told. The same browser again: not.
                var other = SessionClient(probe: server.client)
                let login = try await other.send("POST", "/auth/login", json: ["email": "amina@example.org", "password": password], headers: ["User-Agent": "Firefox/140 on a shared computer"])
                #expect(login.status == 200, "\(login.text)")
                other.adopt(login)
                var inbox = try await Self.inbox(amina)
                #expect(inbox.map(\.kind) == ["new-sign-in"])
                #expect(inbox.first?.details["device"] == "Firefox/140 on a shared computer")
                #expect(try await other.send("POST", "/auth/logout").status == 204)
                #expect(try await SessionClient(probe: server.client).send("POST", "/auth/login", json: ["email": "amina@example.org", "password": password], headers: ["User-Agent": "Firefox/140 on a shared computer"]).status == 200)
                #expect(try await Self.kinds(amina) == ["new-sign-in"])

                // Revoking the other sessions, changing the password: told, by mail as well.
                #expect(try await amina.send("DELETE", "/me/sessions").status == 204)
                let changed = try await amina.send("POST", "/me/password", json: ["current_password": password, "new_password": "another long unusual passphrase"])
                #expect(changed.status == 204, "\(changed.text)")
                inbox = try await Self.inbox(amina)
                #expect(inbox.map(\.kind) == ["password-changed", "session-revoked", "new-sign-in"])
                let mails = try await Self.mails(to: "amina@example.org", server)
                #expect(mails.map(\.kind) == ["notification.new-sign-in", "notification.session-revoked", "notification.password-changed"])
                #expect(mails.allSatisfy { !$0.body.contains("Firefox") }, "the device stays out of the mailbox")

                // Two-factor enrolment is one too.
                let enrolment = try await amina.send("POST", "/me/two-factor")
                let secret = try #require(enrolment.json["secret"] as? String)
                #expect(try await amina.send("POST", "/me/two-factor/confirm", json: ["code": server.totp(secret)]).status == 200)
                #expect(try await Self.kinds(amina).first == "two-factor-changed")

                // Security kinds can go in-app only, never off.
                let off = try await amina.send("PUT", "/me/notification-preferences", json: ["preferences": ["password-changed": "off"]])
                #expect(off.status == 422)
                #expect(off.json["type"] as? String == "urn:haven:problem:security-notification-required")
                let inApp = try await amina.send("PUT", "/me/notification-preferences", json: ["preferences": ["session-revoked": "in-app"]])
                #expect((inApp.json["preferences"] as? [String: String])?["session-revoked"] == "in-app")
                #expect(try await amina.send("DELETE", "/me/sessions").status == 204)
                #expect(try await Self.mails(to: "amina@example.org", server).filter { $0.kind == "notification.session-revoked" }.count == 1, "in the app only now: no second mail")
            }
        }
    }

    @Test func preferencesChooseTheInboxMailOrNothing() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let category = try await server.category("preventing-violent-extremism")
                let (topic, _, _) = try await amina.startTopic(in: category, title: "Youth mentoring", body: "Our method")

                let defaults = try await amina.send("GET", "/me/notification-preferences")
                let preferences = try #require(defaults.json["preferences"] as? [String: String])
                #expect(preferences.count == NotificationKind.allCases.count)
                #expect(preferences["reply"] == "in-app" && preferences["new-sign-in"] == "email")

                // By mail: in the inbox and in the outbox.
                #expect(try await amina.send("PUT", "/me/notification-preferences", json: ["preferences": ["reply": "email"]]).status == 200)
                _ = try await omar.replyIn(topic, "First")
                #expect(try await Self.kinds(amina) == ["reply"])
                #expect(try await Self.mails(to: "amina@example.org", server).map(\.kind) == ["notification.reply"])
                // Off: neither.
                #expect(try await amina.send("PUT", "/me/notification-preferences", json: ["preferences": ["reply": "off"]]).status == 200)
                _ = try await omar.replyIn(topic, "Second")
                #expect(try await Self.kinds(amina) == ["reply"])
                #expect(try await Self.mails(to: "amina@example.org", server).count == 1)
                // Back in the app only.
                #expect(try await amina.send("PUT", "/me/notification-preferences", json: ["preferences": ["reply": "in-app"]]).status == 200)
                _ = try await omar.replyIn(topic, "Third")
                #expect(try await Self.kinds(amina) == ["reply", "reply"])
                #expect(try await Self.mails(to: "amina@example.org", server).count == 1)
                // Omar's own choices are his: untouched.
                let omars = try await omar.send("GET", "/me/notification-preferences")
                #expect((omars.json["preferences"] as? [String: String])?["reply"] == "in-app")
            }
        }
    }

    @Test func theInboxPagesCountsUnreadAndMarksOnlyOwnNotificationsRead() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let category = try await server.category("preventing-violent-extremism")
                let (topic, _, _) = try await amina.startTopic(in: category, title: "Youth mentoring", body: "Our method")
                let (omarsTopic, _, _) = try await omar.startTopic(in: category, title: "Reintegration", body: "Notes")
                for index in 0..<5 { _ = try await omar.replyIn(topic, "Reply \(index)") }
                _ = try await amina.replyIn(omarsTopic, "Hello")

                let page = try await amina.send("GET", "/me/notifications?limit=2")
                #expect(page.json["unread_count"] as? Int == 5)
                let items = try #require(page.json["items"] as? [[String: Any]])
                #expect(items.count == 2)
                let cursor = try #require(page.json["next_cursor"] as? String)
                let next = try await amina.send("GET", "/me/notifications?limit=2&after=\(cursor)")
                let nextItems = try #require(next.json["items"] as? [[String: Any]])
                #expect(nextItems.count == 2)
                #expect(Set(items.compactMap { $0["id"] as? String }).isDisjoint(with: nextItems.compactMap { $0["id"] as? String }))
                let last = try await amina.send("GET", "/me/notifications?limit=2&after=\(try #require(next.json["next_cursor"] as? String))")
                #expect((last.json["items"] as? [Any])?.count == 1 && last.json["next_cursor"] == nil)

                // Marking two read; Omar's notification id in Amina's request changes nothing of his.
                let omarsItem = try #require((try await omar.send("GET", "/me/notifications").json["items"] as? [[String: Any]])?.first?["id"] as? String)
                let ids = items.compactMap { $0["id"] as? String }
                let marked = try await amina.send("POST", "/me/notifications/read", json: ["ids": ids + [omarsItem]])
                #expect(marked.json["marked"] as? Int == 2, "\(marked.status) \(marked.text)")
                #expect(try await amina.send("GET", "/me/notifications").json["unread_count"] as? Int == 3)
                #expect((try await amina.send("GET", "/me/notifications?unread=true").json["items"] as? [Any])?.count == 3)
                #expect(try await omar.send("GET", "/me/notifications").json["unread_count"] as? Int == 1)
                #expect(try await amina.send("POST", "/me/notifications/read", json: ["all": true]).json["marked"] as? Int == 3)
                #expect(try await amina.send("GET", "/me/notifications").json["unread_count"] as? Int == 0)
            }
        }
    }

    @Test func badRequestsGetClearErrors() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let anonymous = SessionClient(probe: server.client)
                for (method, path) in [("GET", "/me/notifications"), ("POST", "/me/notifications/read"), ("GET", "/me/notification-preferences"), ("PUT", "/me/notification-preferences")] {
                    let reply = try await anonymous.send(method, path, json: method == "GET" ? nil : ["all": true])
                    #expect(reply.status == 401, "\(method) \(path)")
                }
                let cases: [(String, String, Any?, Int, String)] = [
                    ("GET", "/me/notifications?after=yesterday", nil, 422, "invalid-input"),
                    ("GET", "/me/notifications?limit=1000", nil, 422, "invalid-input"),
                    ("GET", "/me/notifications?unread=maybe", nil, 422, "invalid-input"),
                    ("POST", "/me/notifications/read", "{not json", 400, "malformed-body"),
                    ("POST", "/me/notifications/read", [String: Any](), 422, "invalid-input"),
                    ("POST", "/me/notifications/read", ["all": true, "ids": [UUID().uuidString]], 422, "invalid-input"),
                    ("POST", "/me/notifications/read", ["ids": (0..<101).map { _ in UUID().uuidString }], 422, "invalid-input"),
                    ("POST", "/me/notifications/read", ["everything": true], 400, "unknown-field"),
                    ("PUT", "/me/notification-preferences", ["preferences": ["gossip": "email"]], 422, "invalid-input"),
                    ("PUT", "/me/notification-preferences", ["preferences": ["reply": "carrier-pigeon"]], 422, "invalid-input"),
                    ("PUT", "/me/notification-preferences", ["preferences": ["new-sign-in": "off"]], 422, "security-notification-required"),
                    ("PUT", "/me/notification-preferences", String(repeating: " ", count: 2 << 20), 413, "payload-too-large"),
                ]
                for (method, path, body, status, type) in cases {
                    let reply = try await amina.send(method, path, json: body)
                    #expect(reply.status == status, "\(method) \(path) \(body.map { "\($0)".prefix(60) } ?? ""): \(reply.text.prefix(300))")
                    #expect(reply.json["type"] as? String == "urn:haven:problem:\(type)", "\(method) \(path): \(reply.text.prefix(300))")
                }
                #expect(try await amina.send("PATCH", "/me", json: ["language": "klingon"]).status == 422)
                #expect(try await amina.send("PATCH", "/me", json: ["language": "ar"]).json["language"] as? String == "ar")
            }
        }
    }

    @Test func mailSpeaksTheRecipientsLanguageAndSaysNothingOfWhatWasWritten() async throws {
        let smtp = try await TestSMTPServer.start()
        defer { smtp.stop() }
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let layla = try await server.signUp(email: "layla@example.org", name: "Layla")
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar Haddad")
                #expect(try await layla.send("PATCH", "/me", json: ["language": "ar"]).status == 200)
                #expect(try await layla.send("PUT", "/me/notification-preferences", json: ["preferences": ["reply": "email"]]).status == 200)
                let category = try await server.category("preventing-violent-extremism")
                let (topic, _, _) = try await layla.startTopic(in: category, title: "Safe houses in the north", body: "Where we meet")
                _ = try await omar.replyIn(topic, "The new address is 12 Olive Street")

                let outbox = MailOutbox(
                    pool: server.services.pool,
                    transport: try SMTPClient(configuration: SMTPConfiguration(host: "127.0.0.1", port: smtp.port, security: .none)),
                    sender: "haven@haven.test"
                )
                try await outbox.deliverDue()
                // Everything queued went out (the invitations too); Layla's notification is the one in Arabic.
                let messages = try await smtp.waitForMessages(3).filter { $0.rcpt_tos == ["layla@example.org"] && $0.headers["Subject"] != "You are invited to Haven" }
                let message = try #require(messages.first)
                #expect(messages.count == 1)
                #expect(message.headers["Content-Language"] == "ar")
                #expect(message.headers["Subject"] == "رد جديد على Haven")
                let text = try #require(message.parts["text/plain"])
                let html = try #require(message.parts["text/html"])
                #expect(text.contains("يوجد رد جديد في موضوع بدأته."))
                #expect(text.contains("https://localhost:8080/notifications"), "a link to sign in and read it: \(text)")
                #expect(html.contains("dir=\"rtl\"") && html.contains("lang=\"ar\""))
                for secret in ["Olive", "Safe houses", "Omar", "Haddad", topic] {
                    #expect(!message.raw.contains(secret), "\(secret) must stay out of the mailbox")
                }
            }
        }
    }

    @Test func anInstallationMayAllowExcerptsInMail() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let layla = try await server.signUp(email: "layla@example.org", name: "Layla")
                let notifications = Notifications(
                    pool: server.services.pool, configuration: NotificationsConfiguration(publicURL: "https://haven.example.org", excerptsInMail: true)
                )
                let account = try #require(try await server.services.pool.query("SELECT id FROM accounts WHERE email = 'layla@example.org'").first?.decode(column: 0, as: UUID.self))
                #expect(try await layla.send("PUT", "/me/notification-preferences", json: ["preferences": ["post-rejected": "email"]]).status == 200)
                try await notifications.record(Notice(.postRejected, to: [account], details: ["reason": "Names are visible"]))
                let mail = try #require(try await Self.mails(to: "layla@example.org", server).last)
                #expect(mail.subject == "Your post was not approved")
                #expect(mail.body.contains("About: Names are visible"))
                #expect(mail.body.contains("https://haven.example.org/notifications"))
            }
        }
    }

    @Test func mentionsReachOnlyThoseWhoMayReadThePost() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let (admin, _) = try await server.administrator()
                let insider = try await server.signUp(email: "insider@example.org", name: "Insider")
                let layla = try await server.signUp(email: "layla@example.org", name: "Layla Haddad")
                let outsider = try await server.signUp(email: "outsider@example.org", name: "Outsider")
                let group = try #require(try await admin.send("POST", "/groups", json: ["name": "Victims' support"]).json["id"] as? String)
                for member in [insider, layla] {
                    #expect(try await admin.send("POST", "/groups/\(group)/members", json: ["account_id": try await member.accountID().uuidString]).status == 204)
                }
                let restricted = try #require(try await admin.send("POST", "/forums/categories", json: [
                    "slug": "working-group", "names": ["en": "Working group"], "visibility": "restricted", "visible_groups": [group],
                ]).json["id"] as? String)

                // In the group's category: Layla (a member of it) is told, the outsider is not, nor is the author.
                let (_, post, _) = try await insider.startTopic(
                    in: restricted, title: "Case files", body: "@[Layla Haddad] and @Outsider, please look. @Insider, me. mail insider@example.org"
                )
                let told = try await Self.inbox(layla)
                #expect(told.map(\.kind) == ["mention"] && told.first?.subject == post)
                #expect(try await Self.kinds(outsider).isEmpty, "a mention must not reveal a category one cannot see")
                #expect(try await Self.kinds(insider).isEmpty)

                // In an open category everyone mentioned is told, whatever the case of the name.
                let open = try await server.category("preventing-violent-extremism")
                let (topic, _, _) = try await layla.startTopic(in: open, title: "Mentoring", body: "Hello")
                let (reply, _) = try await insider.replyIn(topic, "Thanks @outsider.")
                let outsiderInbox = try await Self.inbox(outsider)
                #expect(outsiderInbox.map(\.kind) == ["mention"] && outsiderInbox.first?.subject == reply)
            }
        }
    }
}
