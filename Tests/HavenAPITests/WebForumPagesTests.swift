import Foundation
import HavenAPI
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// The forum pages: categories with their unread counts, a category's topics, starting a topic,
/// a topic with its reply form and the actions on its posts (quote, react, bookmark, report,
/// edit, history), each checked on the page and in the database.
@Suite struct WebForumPagesTests {
    static let password = "a long and unusual passphrase"

    /// Accounts whose staff sign in with their password alone (the code step has its own tests).
    static func accounts() -> AccountsConfiguration {
        var accounts = lenientAccounts()
        accounts.requireSecondFactorForStaff = false
        return accounts
    }

    /// Signs up `email` and signs a browser in as them.
    static func member(_ server: TestServer, _ email: String, name: String = "Amina", role: Role = .member) async throws -> WebClient {
        _ = try await server.signUp(email: email, role: role, name: name)
        let web = WebClient(probe: server.client)
        let reply = try await web.fill("/web/sign-in", submitTo: "/web/sign-in", [("email", email), ("password", Self.password)])
        #expect(reply.status == 303, "\(email) signs in: \(reply.text)")
        return web
    }

    /// Starts a topic through the form; returns the topic id and the redirect.
    static func startTopic(
        _ web: WebClient, in category: String, title: String, body: String, language: String = "en"
    ) async throws -> (topic: String, reply: HTTPProbe.Reply) {
        let reply = try await web.fill(
            "/web/categories/\(category)/new", submitTo: "/web/categories/\(category)/topics",
            [("title", title), ("body", body), ("language", language)]
        )
        #expect(reply.status == 303, "\(reply.status) \(reply.text)")
        let location = reply.header("Location") ?? ""
        let topic = location.firstMatch(of: /\/web\/topics\/([0-9a-f-]{36})/).map { String($0.output.1) } ?? ""
        return (topic, reply)
    }

    /// The ids of the posts on a topic page, in order.
    static func postIDs(_ page: HTTPProbe.Reply) -> [String] {
        page.text.matches(of: /<article class="post" id="post-([0-9a-f-]{36})">/).map { String($0.output.1) }
    }

    /// The HTML of one post's article.
    static func article(_ id: String, in page: HTTPProbe.Reply) -> String {
        guard let start = page.text.range(of: "id=\"post-\(id)\"") else { return "" }
        let rest = page.text[start.lowerBound...]
        return String(rest[..<(rest.range(of: "</article>")?.upperBound ?? rest.endIndex)])
    }

    static func query(_ server: TestServer, _ sql: PostgresQuery) async throws -> PostgresRows {
        try await server.services.pool.query(sql)
    }

    @Test func anUntrustedMembersTopicWaitsForAModeratorAndTheyAreToldSo() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.accounts()) { server in
                let web = try await Self.member(server, "amina@example.org")
                let category = try await server.category("human-rights")
                let form = try await web.get("/web/categories/\(category)/new")
                #expect(form.status == 200)
                #expect(form.text.contains("id=\"title\"") && form.text.contains("id=\"body\"") && form.text.contains("id=\"language\""))
                #expect(form.text.contains("<option value=\"en\" lang=\"en\" selected>"), "the page's language is preselected")
                let (topic, reply) = try await Self.startTopic(web, in: category, title: "Safe meeting places", body: "Where do we meet?")
                #expect(reply.header("Location") == "/web/topics/\(topic)?done=topic-pending")
                let state = try await Self.query(server, "SELECT state FROM forum_topics WHERE id = \(UUID(uuidString: topic))").first?.decode(column: 0, as: String.self)
                #expect(state == "pending")
                let page = try await web.get(reply.header("Location") ?? "")
                #expect(page.status == 200, "\(page.text)")
                #expect(page.text.contains("Your topic is sent and waits for a moderator"))
                #expect(page.text.contains("This post is waiting for a moderator."))
                #expect(page.text.contains("<h1 lang=\"en\">Safe meeting places</h1>"))
                #expect(!page.text.contains("<title>Safe meeting places"), "no topic title in the browser's history")
                // Another member does not see it.
                let other = try await Self.member(server, "li@example.org", name: "Li")
                #expect(try await other.get("/web/topics/\(topic)").status == 404)
            }
        }
    }

    @Test func aTrustedMembersTopicIsPublishedAndOthersReplyQuoteReactAndBookmark() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.accounts(), forums: lenientForums()) { server in
                let amina = try await Self.member(server, "amina@example.org", name: "Amina Haddad")
                let li = try await Self.member(server, "li@example.org", name: "Li Wei")
                let category = try await server.category("human-rights")
                let (topic, reply) = try await Self.startTopic(amina, in: category, title: "Documenting incidents", body: "Use **dates** and places.", language: "fr")
                #expect(reply.header("Location") == "/web/topics/\(topic)?done=topic-posted")

                let page = try await li.get("/web/topics/\(topic)")
                #expect(page.status == 200)
                #expect(page.text.contains("<h1 lang=\"fr\">Documenting incidents</h1>"))
                #expect(page.text.contains("<strong>dates</strong>"), "the post's sanitised HTML")
                #expect(page.text.contains("Amina Haddad"))
                let first = try #require(Self.postIDs(page).first)

                // A reply.
                let replied = try await li.submit("/web/topics/\(topic)/replies", [("body", "Thank you, very useful.")], from: page)
                #expect(replied.status == 303)
                #expect(replied.header("Location") == "/web/topics/\(topic)?done=reply-posted")
                let after = try await li.get("/web/topics/\(topic)?done=reply-posted")
                #expect(after.text.contains("Your reply is posted."))
                #expect(Self.postIDs(after).count == 2)

                // A quotation: the link prefills the reply form with the quoted post.
                let quoting = try await li.get("/web/topics/\(topic)?quote=\(first)")
                #expect(quoting.text.contains("name=\"reply_to\" value=\"\(first)\""))
                #expect(quoting.text.contains("name=\"quote\" value=\"true\""))
                let quoted = try await li.submit(
                    "/web/topics/\(topic)/replies", [("reply_to", first), ("quote", "true"), ("body", "I agree with this.")], from: quoting
                )
                #expect(quoted.status == 303)
                let withQuote = try await li.get("/web/topics/\(topic)")
                let third = try #require(Self.postIDs(withQuote).last)
                #expect(Self.article(third, in: withQuote).contains("<blockquote>"))
                let replyTo = try await Self.query(server, "SELECT reply_to FROM forum_posts WHERE id = \(UUID(uuidString: third))").first?.decode(column: 0, as: UUID?.self)
                #expect(replyTo == UUID(uuidString: first))

                // A reaction, shown with its count and as pressed, then taken back.
                let reacted = try await li.submit("/web/posts/\(first)/reactions", [("kind", "thanks"), ("present", "true")], from: withQuote)
                #expect(reacted.status == 303)
                #expect(reacted.header("Location") == "/web/topics/\(topic)#post-\(first)")
                let reactedPage = try await amina.get("/web/topics/\(topic)")
                #expect(Self.article(first, in: reactedPage).contains("Thanks <span class=\"count\">1</span>"))
                let mine = try await li.get("/web/topics/\(topic)")
                #expect(Self.article(first, in: mine).contains("aria-pressed=\"true\">Thanks"))
                let count = try await Self.query(server, "SELECT count(*)::int FROM forum_reactions WHERE post_id = \(UUID(uuidString: first)) AND kind = 'thanks'").first?.decode(column: 0, as: Int32.self)
                #expect(count == 1)
                _ = try await li.submit("/web/posts/\(first)/reactions", [("kind", "thanks"), ("present", "false")], from: mine)
                let none = try await Self.query(server, "SELECT count(*)::int FROM forum_reactions WHERE post_id = \(UUID(uuidString: first))").first?.decode(column: 0, as: Int32.self)
                #expect(none == 0)
                // The page's buttons send the kind alone: each press toggles.
                _ = try await li.submit("/web/posts/\(first)/reactions", [("kind", "like")], from: mine)
                #expect(Self.article(first, in: try await li.get("/web/topics/\(topic)")).contains("aria-pressed=\"true\">Like <span class=\"count\">1</span>"))
                _ = try await li.submit("/web/posts/\(first)/reactions", [("kind", "like")], from: mine)
                #expect(Self.article(first, in: try await li.get("/web/topics/\(topic)")).contains("aria-pressed=\"false\">Like</button>"))
                let badKind = try await li.submit("/web/posts/\(first)/reactions", [("kind", "angry"), ("present", "true")], from: mine)
                #expect(badKind.status == 422)

                // A bookmark, toggled on then off.
                let marked = try await li.submit("/web/posts/\(first)/bookmark", [("present", "true")], from: mine)
                #expect(marked.status == 303)
                #expect(marked.header("Location") == "/web/topics/\(topic)?done=post-bookmarked#post-\(first)")
                let bookmarked = try await li.get("/web/topics/\(topic)")
                #expect(Self.article(first, in: bookmarked).contains("Remove bookmark"))
                var bookmarks = try await Self.query(server, "SELECT count(*)::int FROM forum_bookmarks WHERE post_id = \(UUID(uuidString: first))").first?.decode(column: 0, as: Int32.self)
                #expect(bookmarks == 1)
                _ = try await li.submit("/web/posts/\(first)/bookmark", [("present", "false")], from: bookmarked)
                bookmarks = try await Self.query(server, "SELECT count(*)::int FROM forum_bookmarks WHERE post_id = \(UUID(uuidString: first))").first?.decode(column: 0, as: Int32.self)
                #expect(bookmarks == 0)
            }
        }
    }

    @Test func aPendingReplyIsAnnouncedAsWaiting() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.accounts()) { server in
                let moderator = try await Self.member(server, "moderator@haven.test", name: "Moderator", role: .moderator)
                let member = try await Self.member(server, "amina@example.org")
                let (topic, _) = try await Self.startTopic(moderator, in: try await server.category("human-rights"), title: "Welcome", body: "Say hello.")
                let page = try await member.get("/web/topics/\(topic)")
                let reply = try await member.submit("/web/topics/\(topic)/replies", [("body", "Hello!")], from: page)
                #expect(reply.header("Location") == "/web/topics/\(topic)?done=reply-pending")
                let after = try await member.get("/web/topics/\(topic)?done=reply-pending")
                #expect(after.text.contains("This post is waiting for a moderator."))
            }
        }
    }

    @Test func aMemberReportsAPostWithAReason() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.accounts(), forums: lenientForums()) { server in
                let amina = try await Self.member(server, "amina@example.org")
                let li = try await Self.member(server, "li@example.org", name: "Li")
                let (topic, _) = try await Self.startTopic(amina, in: try await server.category("human-rights"), title: "A topic", body: "A post.")
                let page = try await li.get("/web/topics/\(topic)")
                let post = try #require(Self.postIDs(page).first)
                #expect(page.text.contains("href=\"/web/posts/\(post)/flag\""))
                let form = try await li.get("/web/posts/\(post)/flag")
                #expect(form.status == 200)
                for reason in FlagReason.allCases { #expect(form.text.contains("<option value=\"\(reason.rawValue)\"")) }
                let bad = try await li.submit("/web/posts/\(post)/flags", [("reason", "boring"), ("note", "keep me")], from: form)
                #expect(bad.status == 422)
                #expect(bad.text.contains("keep me"), "the note is kept")
                let sent = try await li.submit("/web/posts/\(post)/flags", [("reason", "personal-data"), ("note", "It names a witness.")], from: form)
                #expect(sent.status == 303)
                #expect(sent.header("Location") == "/web/topics/\(topic)?done=post-flagged")
                let row = try await Self.query(server, "SELECT reason, note FROM forum_flags WHERE post_id = \(UUID(uuidString: post))").first?.decode((String, String).self)
                #expect(row?.0 == "personal-data" && row?.1 == "It names a witness.")
            }
        }
    }

    @Test func theAuthorEditsAConflictKeepsTheirTextAndOnlyModeratorsReadTheHistory() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.accounts(), forums: lenientForums()) { server in
                let amina = try await Self.member(server, "amina@example.org")
                let li = try await Self.member(server, "li@example.org", name: "Li")
                let moderator = try await Self.member(server, "moderator@haven.test", name: "Moderator", role: .moderator)
                let (topic, _) = try await Self.startTopic(amina, in: try await server.category("human-rights"), title: "Drafts", body: "First wording.")
                let page = try await amina.get("/web/topics/\(topic)")
                let post = try #require(Self.postIDs(page).first)
                #expect(Self.article(post, in: page).contains("href=\"/web/posts/\(post)/edit\""))
                #expect(!Self.article(post, in: page).contains("/history"), "members have no history link")

                let form = try await amina.get("/web/posts/\(post)/edit")
                #expect(form.status == 200)
                #expect(form.text.contains("First wording.</textarea>"))
                #expect(form.text.contains("name=\"version\" value=\"1\""))
                let saved = try await amina.submit("/web/posts/\(post)/edit", [("version", "1"), ("body", "Second wording.")], from: form)
                #expect(saved.status == 303)
                #expect(saved.header("Location") == "/web/topics/\(topic)?done=post-edited")
                let edited = try await li.get("/web/topics/\(topic)")
                #expect(Self.article(post, in: edited).contains("Second wording."))
                #expect(Self.article(post, in: edited).contains("<span class=\"meta\">edited</span>"))

                // The stale form (version 1) is a conflict: the member's text stays, the current text is shown.
                let conflict = try await amina.submit("/web/posts/\(post)/edit", [("version", "1"), ("body", "Third wording.")], from: form)
                #expect(conflict.status == 409)
                #expect(conflict.text.contains("Third wording.</textarea>"))
                #expect(conflict.text.contains("Second wording."))
                #expect(conflict.text.contains("name=\"version\" value=\"2\""))
                let source = try await Self.query(server, "SELECT source FROM forum_posts WHERE id = \(UUID(uuidString: post))").first?.decode(column: 0, as: String.self)
                #expect(source == "Second wording.")

                // Someone else's post.
                #expect(try await li.get("/web/posts/\(post)/edit").status == 403)
                let forged = try await li.submit("/web/posts/\(post)/edit", [("version", "2"), ("body", "Not mine.")], from: edited)
                #expect(forged.status == 403)
                #expect(!Self.article(post, in: edited).contains("/edit\""), "no edit link on someone else's post")

                // The history: moderators only.
                #expect(try await amina.get("/web/posts/\(post)/history").status == 403)
                let moderated = try await moderator.get("/web/topics/\(topic)")
                #expect(Self.article(post, in: moderated).contains("href=\"/web/posts/\(post)/history\""))
                let history = try await moderator.get("/web/posts/\(post)/history")
                #expect(history.status == 200, "\(history.text)")
                #expect(history.text.contains("<del>- First wording.</del>") && history.text.contains("<ins>+ Second wording.</ins>"))
                #expect(history.text.contains("Version 1") && history.text.contains("Version 2"))
            }
        }
    }

    @Test func unreadCountsOnTheHomePageGoDownAsTheMemberReads() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.accounts(), forums: lenientForums()) { server in
                let amina = try await Self.member(server, "amina@example.org")
                let li = try await Self.member(server, "li@example.org", name: "Li")
                let category = try await server.category("human-rights")
                let (first, _) = try await Self.startTopic(amina, in: category, title: "One", body: "One.")
                _ = try await Self.startTopic(amina, in: category, title: "Two", body: "Two.")
                func badge(_ home: HTTPProbe.Reply) -> String? {
                    guard let start = home.text.range(of: "href=\"/web/categories/\(category)\"") else { return nil }
                    let card = home.text[start.upperBound...].prefix { $0 != "\n" }
                    return card.firstMatch(of: /<span class="badge">([^<]*)<\/span>/).map { String($0.output.1) }
                }
                #expect(badge(try await li.get("/web/")) == "2 unread")
                _ = try await li.get("/web/topics/\(first)")
                #expect(badge(try await li.get("/web/")) == "1 unread")
                // The author has read their own topics; in Arabic the count is localised.
                #expect(badge(try await amina.get("/web/")) == nil)
                let home = try await li.get("/web/")
                _ = try await li.submit("/web/language", [("lang", "ar"), ("next", "/web/")], from: home)
                let arabic = badge(try await li.get("/web/"))
                #expect(arabic == "غير مقروءة: ١" || arabic == "غير مقروءة: 1", "\(arabic ?? "no badge")")
            }
        }
    }

    @Test func subCategoriesAreListedUnderTheirParentWithTheirOwnUnreadCount() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.accounts(), forums: lenientForums()) { server in
                let (admin, _) = try await server.administrator()
                let parent = try await server.category("human-rights")
                let created = try await admin.send("POST", "/forums/categories", json: [
                    "slug": "detention", "parent_id": parent, "names": ["en": "Detention monitoring", "fr": "Surveillance de la détention"],
                ])
                #expect(created.status == 201, "\(created.text)")
                let child = try #require(created.json["id"] as? String).lowercased()
                let amina = try await Self.member(server, "amina@example.org")
                let li = try await Self.member(server, "li@example.org", name: "Li")
                _ = try await Self.startTopic(amina, in: child, title: "Visits", body: "Who visits?")
                let home = try await li.get("/web/")
                let card = try #require(home.text.firstMatch(of: /<li><a href="\/web\/categories\/([0-9a-f-]{36})">Human rights[^\n]*\n<ul class="subcategories">(.*)<\/ul><\/li>/))
                #expect(String(card.output.1) == parent)
                #expect(card.output.2.contains("<a href=\"/web/categories/\(child)\">Detention monitoring</a> <span class=\"badge\">1 unread</span>"))
                let category = try await li.get("/web/categories/\(parent)")
                #expect(category.text.contains("href=\"/web/categories/\(child)\">Detention monitoring</a>"))
                let french = try await li.get("/web/", headers: [:])
                _ = try await li.submit("/web/language", [("lang", "fr"), ("next", "/web/")], from: french)
                #expect(try await li.get("/web/").text.contains(">Surveillance de la détention</a>"))
            }
        }
    }

    @Test func categoriesAndTopicsPageWithACursor() async throws {
        var forums = lenientForums()
        forums.pageSize = 2
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.accounts(), forums: forums) { server in
                let amina = try await Self.member(server, "amina@example.org")
                let category = try await server.category("human-rights")
                var topics: [String] = []
                for index in 1...3 { topics.append(try await Self.startTopic(amina, in: category, title: "Topic \(index)", body: "Body \(index).").topic) }
                let first = try await amina.get("/web/categories/\(category)")
                #expect(first.status == 200)
                #expect(first.text.contains("Topic 3") && first.text.contains("Topic 2") && !first.text.contains("Topic 1"))
                #expect(first.text.contains("href=\"/web/categories/\(category)/new\""))
                let next = try #require(WebClient.attribute("href", ofFirst: "rel=\"next\"", in: first.text))
                let second = try await amina.get(next)
                #expect(second.status == 200)
                #expect(second.text.contains("Topic 1") && !second.text.contains("Topic 3"))
                #expect(WebClient.attribute("href", ofFirst: "rel=\"next\"", in: second.text) == nil)
                #expect(try await amina.get("/web/categories/\(category)?after=nonsense").status == 422)

                // A topic's posts page too.
                let topic = topics[0]
                var page = try await amina.get("/web/topics/\(topic)")
                for index in 1...2 {
                    _ = try await amina.submit("/web/topics/\(topic)/replies", [("body", "Reply \(index).")], from: page)
                    page = try await amina.get("/web/topics/\(topic)")
                }
                #expect(Self.postIDs(page).count == 2)
                let more = try #require(WebClient.attribute("href", ofFirst: "rel=\"next\"", in: page.text))
                let rest = try await amina.get(more)
                #expect(Self.postIDs(rest).count == 1)
                #expect(rest.text.contains("Reply 2."))
            }
        }
    }

    @Test func aPseudonymousCategoryNeverShowsTheAuthorsName() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.accounts(), forums: lenientForums()) { server in
                let (admin, _) = try await server.administrator()
                let category = try await PseudonymousSpaceTests.pseudonymousCategory(admin, slug: "speak-freely")
                let zainab = try await Self.member(server, "zainab@example.org", name: "Zainab Quietname")
                let li = try await Self.member(server, "li@example.org", name: "Li")
                let (topic, _) = try await Self.startTopic(zainab, in: category, title: "What happened to us", body: "My story.")
                let page = try await li.get("/web/topics/\(topic)")
                #expect(page.status == 200)
                #expect(!page.text.contains("Zainab") && !page.text.contains("Quietname"))
                #expect(page.text.contains(/<bdi>Member [0-9A-F]{4,6}<\/bdi>/))
                let own = try await zainab.get("/web/topics/\(topic)")
                #expect(!own.text.contains("Quietname"))
                #expect(own.text.contains("(you)"))
                let listing = try await li.get("/web/categories/\(category)")
                #expect(!listing.text.contains("Quietname"))
            }
        }
    }

    @Test func malformedTopicsAndRepliesAreShownAgainWithTheMembersText() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.accounts(), forums: lenientForums()) { server in
                let web = try await Self.member(server, "amina@example.org")
                let category = try await server.category("human-rights")
                let form = try await web.get("/web/categories/\(category)/new")
                let noTitle = try await web.submit("/web/categories/\(category)/topics", [("title", "  "), ("body", "My careful text."), ("language", "en")], from: form)
                #expect(noTitle.status == 422)
                #expect(noTitle.text.contains("My careful text.</textarea>"))
                #expect(noTitle.text.contains("A title has 1 to 200 characters"))
                let badLanguage = try await web.submit("/web/categories/\(category)/topics", [("title", "Fine"), ("body", "Text."), ("language", "de")], from: form)
                #expect(badLanguage.status == 422)
                #expect(badLanguage.text.contains("value=\"Fine\""))
                let long = String(repeating: "a", count: 40_000)
                let tooLong = try await web.submit("/web/categories/\(category)/topics", [("title", "Long"), ("body", long), ("language", "en")], from: form)
                #expect(tooLong.status == 422)
                let huge = try await web.submit("/web/categories/\(category)/topics", [("title", "Huge"), ("body", long + long), ("language", "en")], from: form)
                #expect(huge.status == 413)
                let topics = try await Self.query(server, "SELECT count(*)::int FROM forum_topics").first?.decode(column: 0, as: Int32.self)
                #expect(topics == 0)

                let (topic, _) = try await Self.startTopic(web, in: category, title: "Fine", body: "Text.", language: "ar")
                let page = try await web.get("/web/topics/\(topic)")
                let empty = try await web.submit("/web/topics/\(topic)/replies", [("body", " ")], from: page)
                #expect(empty.status == 422)
                #expect(empty.text.contains("id=\"reply-body\""))
                let badQuote = try await web.submit("/web/topics/\(topic)/replies", [("reply_to", "not-an-id"), ("body", "Hi")], from: page)
                #expect(badQuote.status == 422)
                let strangerQuote = try await web.submit(
                    "/web/topics/\(topic)/replies", [("reply_to", UUID().uuidString), ("quote", "true"), ("body", "Kept text")], from: page
                )
                #expect(strangerQuote.status == 422)
                #expect(strangerQuote.text.contains("Kept text</textarea>"))
                #expect(try await web.get("/web/topics/\(UUID().uuidString)").status == 404)
                #expect(try await web.get("/web/categories/\(UUID().uuidString)").status == 404)
            }
        }
    }

    @Test func aLockedTopicHasANoteInsteadOfTheReplyForm() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.accounts(), forums: lenientForums()) { server in
                let web = try await Self.member(server, "amina@example.org")
                let (topic, _) = try await Self.startTopic(web, in: try await server.category("human-rights"), title: "Closed", body: "Done.")
                _ = try await Self.query(server, "UPDATE forum_topics SET locked = true WHERE id = \(UUID(uuidString: topic))")
                let page = try await web.get("/web/topics/\(topic)")
                #expect(page.text.contains("This topic is locked"))
                #expect(!page.text.contains("id=\"reply-body\""))
                let reply = try await web.submit("/web/topics/\(topic)/replies", [("body", "Still?")], from: page)
                #expect(reply.status == 409)
            }
        }
    }
}
