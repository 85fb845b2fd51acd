import Foundation
import HavenAPI
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// The notifications page: each kind as a sentence linked to its subject, marking one or all
/// read, and the delivery preferences.
@Suite struct WebNotificationPagesTests {
    @Test func aReplyShowsAsANotificationAndMarkingReadWorks() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let category = try await server.category("human-rights")
                let topic = try await amina.startTopic(in: category, title: "Safe meeting places", body: "Where do you meet safely?").topic.lowercased()
                let replied = try await omar.replyIn(topic, "In a library, during opening hours.").reply
                #expect(replied.status == 201, "\(replied.text)")
                let web = try await WebDocumentPagesTests.signedIn(server, "amina@example.org")

                let inbox = try await web.get("/web/notifications")
                #expect(inbox.status == 200, "\(inbox.text)")
                #expect(inbox.text.contains("Someone replied in a topic you started."))
                #expect(inbox.text.contains("href=\"/web/topics/\(topic)\""))
                #expect(inbox.text.contains("Unread: 1"))
                #expect(try await web.get("/web/").text.contains(">Notifications (1 unread)</a>"), "the navigation counts unread notifications")
                #expect(inbox.text.contains("class=\"unread\""))
                #expect(inbox.text.contains("href=\"/web/notifications\" aria-current=\"page\""))
                let id = try #require(WebClient.attribute("value", ofFirst: "name=\"id\"", in: inbox.text))

                let wrong = try await web.submit("/web/notifications/read", [("id", "not-an-id")], from: inbox)
                #expect(wrong.status == 422)
                let forged = try await web.submit("/web/notifications/read", [("_csrf", "forged"), ("id", id)])
                #expect(forged.status == 403)

                let one = try await web.submit("/web/notifications/read", [("id", id)], from: inbox)
                #expect(one.status == 303)
                #expect(one.header("Location") == "/web/notifications?done=notifications-read")
                let read = try await web.get("/web/notifications?done=notifications-read")
                #expect(read.text.contains("Unread: 0") && read.text.contains("Marked as read."))
                #expect(!read.text.contains("class=\"unread\""))
                let stillUnread = try await server.services.pool.query(
                    "SELECT count(*)::int FROM notifications WHERE read_at IS NULL AND id = \(UUID(uuidString: id))"
                ).first?.decode(column: 0, as: Int.self)
                #expect(stillUnread == 0)

                // Another reply, then "mark all".
                _ = try await omar.replyIn(topic, "Or at a friend's house.")
                let again = try await web.get("/web/notifications")
                #expect(again.text.contains("Unread: 1"))
                #expect(try await web.submit("/web/notifications/read", [], from: again).status == 303)
                let none = try await web.get("/web/notifications")
                #expect(none.text.contains("Unread: 0"))
                #expect(none.text.contains(">Notifications</a>") && !none.text.contains("unread)</a>"))

                #expect(try await web.get("/web/notifications?after=garbage").status == 422, "a broken page link is refused, not a 500")
            }
        }
    }

    @Test func aPostNotificationLeadsToThePostInItsTopic() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                _ = try await server.signUp(email: "omar@example.org", name: "Omar")
                let started = try await amina.startTopic(in: try await server.category("human-rights"), title: "Hello", body: "Hello all.")
                let (topic, post) = (started.topic.lowercased(), started.post.lowercased())
                let web = try await WebDocumentPagesTests.signedIn(server, "omar@example.org")
                let open = try await web.get("/web/notifications/posts/\(post)")
                #expect(open.status == 303)
                #expect(open.header("Location") == "/web/topics/\(topic)#post-\(post)")
                #expect(try await web.get("/web/notifications/posts/\(UUID())").status == 404)
            }
        }
    }

    @Test func deliveryPreferencesAreSavedAndSecurityNoticesCannotBeTurnedOff() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let web = try await WebDocumentPagesTests.signedIn(server, "amina@example.org")
                let form = try await web.get("/web/notifications/preferences")
                #expect(form.status == 200)
                #expect(form.text.contains("id=\"pref-reply\"") && form.text.contains("<label for=\"pref-reply\">"))
                let saved = try await web.submit("/web/notifications/preferences", [("reply", "email"), ("mention", "off")], from: form)
                #expect(saved.status == 303)
                let preferences = try await amina.send("GET", "/me/notification-preferences")
                let values = preferences.json["preferences"] as? [String: String]
                #expect(values?["reply"] == "email" && values?["mention"] == "off", "\(preferences.text)")
                let reloaded = try await web.get("/web/notifications/preferences")
                #expect(reloaded.text.contains("value=\"email\" selected"))

                let security = try await web.submit("/web/notifications/preferences", [("new-sign-in", "off")], from: form)
                #expect(security.status == 422)
                let nonsense = try await web.submit("/web/notifications/preferences", [("reply", "pigeon")], from: form)
                #expect(nonsense.status == 422)
                #expect(nonsense.text.contains("Choose one of the listed options for each kind."))
            }
        }
    }
}

extension WebNotificationPagesTests {
    /// A kind HavenCore gains without its sentence would show as a bare catalogue key.
    @Test func everyNotificationKindHasASentenceAndAPreferenceLabel() {
        let english = WebCatalogue.embedded.strings["en"] ?? [:]
        for kind in NotificationKind.allCases {
            let name = kind.rawValue.replacing("-", with: "_")
            #expect(english["notif_kind_" + name] != nil, "no sentence for \(kind.rawValue)")
            #expect(english["notif_pref_" + name] != nil, "no preference label for \(kind.rawValue)")
        }
        for delivery in NotificationDelivery.allCases {
            #expect(english["notif_delivery_" + delivery.rawValue.replacing("-", with: "_")] != nil, "no label for \(delivery.rawValue)")
        }
    }
}
