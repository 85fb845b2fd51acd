import Foundation
import HavenAPI
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// The search page: a GET form whose results link to the posts, filters that narrow them, the
/// snippet's marks kept and everything else escaped, and wrong filters answered with the form.
@Suite struct WebSearchPagesTests {
    @Test func aSearchFindsAPostAndTheFiltersNarrowIt() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                _ = try await server.signUp(email: "reader@example.org", name: "Reader")
                let rights = try await server.category("human-rights")
                let victims = try await server.category("victims-of-terrorism")
                let (topicID, englishID, _) = try await amina.startTopic(
                    in: rights, title: "Support <for> survivors", body: "Survivors of attacks need <b>long-term</b> psychological support."
                )
                let (_, frenchID, _) = try await amina.startTopic(
                    in: victims, title: "Accompagnement", body: "Les survivors du terrorisme méritent un accompagnement durable.", language: "fr"
                )
                let (topic, english, french) = (topicID.lowercased(), englishID.lowercased(), frenchID.lowercased())
                let web = try await WebDocumentPagesTests.signedIn(server, "reader@example.org")

                let empty = try await web.get("/web/search")
                #expect(empty.status == 200)
                #expect(empty.text.contains("id=\"q\"") && empty.text.contains("type=\"date\"") && empty.text.contains("method=\"get\""))
                #expect(empty.text.contains("href=\"/web/search\" aria-current=\"page\""))

                let found = try await web.get("/web/search?q=survivors")
                #expect(found.status == 200, "\(found.text)")
                #expect(found.text.contains("href=\"/web/topics/\(topic)#post-\(english)\""))
                #expect(found.text.contains("id=\"hit-\(french)\""))
                #expect(found.text.contains("<mark>"), "the words found are marked")
                #expect(!found.text.contains("<b>long-term</b>") && !found.text.contains("Support <for>"), "the rest is escaped")
                #expect(found.text.contains("Support &lt;for&gt; survivors"))
                #expect(!found.text.contains("<title>survivors"), "the words are not in the title")
                #expect(found.text.contains("value=\"survivors\""), "the form keeps the words")

                let byLanguage = try await web.get("/web/search?q=survivors&language=fr")
                #expect(byLanguage.text.contains("id=\"hit-\(french)\"") && !byLanguage.text.contains("id=\"hit-\(english)\""))
                let byCategory = try await web.get("/web/search?q=survivors&category=\(rights)")
                #expect(byCategory.text.contains("id=\"hit-\(english)\"") && !byCategory.text.contains("id=\"hit-\(french)\""))
                #expect(byCategory.text.contains("value=\"\(rights)\" selected"))
                let past = try await web.get("/web/search?q=survivors&from=2001-01-01&to=2001-12-31")
                #expect(past.status == 200)
                #expect(!past.text.contains("id=\"hit-"), "nothing was posted in 2001")
                let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate, .withDashSeparatorInDate])
                let sinceToday = try await web.get("/web/search?q=survivors&from=\(today)&to=\(today)")
                #expect(sinceToday.text.contains("id=\"hit-\(english)\""), "the end day is included")
                #expect(try await web.get("/web/search?q=elephant").text.contains("No posts match."))
            }
        }
    }

    @Test func wrongFiltersAreAnsweredWithTheFormNeverA500() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                _ = try await server.signUp(email: "reader@example.org", name: "Reader")
                let web = try await WebDocumentPagesTests.signedIn(server, "reader@example.org")
                for (query, message) in [
                    ("q=x&from=2024-02-30", "The date is not valid."), ("q=x&to=yesterday", "The date is not valid."),
                    ("q=x&from=2024-03-02&to=2024-03-01", "The start date must come before the end date."),
                    ("q=x&category=nope", "Choose a forum from the list."), ("q=x&language=xx", "Choose a language from the list."),
                    ("q=" + String(repeating: "a", count: 201), "Search for 1 to 200 characters."),
                    ("q=x&after=garbage", "The page link is not valid."),
                ] {
                    let reply = try await web.get("/web/search?\(query)")
                    #expect(reply.status == 422, "\(query): \(reply.status)")
                    #expect(reply.text.contains(message), "\(query)")
                    #expect(reply.text.contains("id=\"q\""), "\(query): the form is shown again")
                }
                #expect(try await WebClient(probe: server.client).get("/web/search?q=x").status == 303, "signed out: sign in first")
            }
        }
    }
}
