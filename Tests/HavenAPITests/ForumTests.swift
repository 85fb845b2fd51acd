import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// Forums end to end over HTTPS: posting, reading, reactions, bookmarks, unread state, edits,
/// deletion, categories and their access rules, and bad input.
@Suite struct ForumTests {
    @Test func membersPostReplyQuoteReactBookmarkAndTrackWhatIsUnread() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let category = try await server.category("victims-of-terrorism")

                let categories = try await amina.send("GET", "/forums/categories")
                let slugs = (try JSONSerialization.jsonObject(with: categories.body) as? [[String: Any]] ?? []).compactMap { $0["slug"] as? String }
                #expect(slugs.first == "announcements" && slugs.contains("victims-of-terrorism") && slugs.count == 6, "\(slugs)")

                let (topic, first, created) = try await amina.startTopic(
                    in: category, title: "Peer support circles", body: "We run **peer support** circles.\n\n- weekly\n- in Arabic"
                )
                let firstPost = try #require((created.json["posts"] as? [[String: Any]])?.first)
                #expect(firstPost["html"] as? String == "<p>We run <strong>peer support</strong> circles.</p>\n<ul>\n<li>weekly</li>\n<li>in Arabic</li>\n</ul>")
                #expect(firstPost["state"] as? String == "published")
                #expect(firstPost["source"] as? String != nil, "the author gets the source back to edit")

                // Omar sees it as unread, reads it, and it is read.
                let unread = try await omar.send("GET", "/forums/unread")
                #expect((unread.json["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [topic])
                let page = try await omar.send("GET", "/forums/topics/\(topic)")
                #expect(page.status == 200)
                #expect((page.json["posts"] as? [[String: Any]])?.first?["source"] == nil, "no source for someone who cannot edit")
                #expect((try await omar.send("GET", "/forums/unread").json["items"] as? [[String: Any]])?.isEmpty == true)

                // Omar replies quoting Amina; the quote is a blockquote naming her.
                let (answer, replied) = try await omar.replyIn(topic, "Could you share the *format*?", extra: ["reply_to": first, "quote": true])
                #expect(replied.status == 201, "\(replied.text)")
                let html = try #require(replied.json["html"] as? String)
                #expect(html.hasPrefix("<blockquote>\n<p><strong>Amina</strong> wrote:</p>"), "\(html)")
                #expect(html.contains("<em>format</em>"))
                #expect(replied.json["reply_to"] as? String == first)
                // Amina now has something unread; Omar does not (he wrote it).
                #expect((try await amina.send("GET", "/forums/unread").json["items"] as? [[String: Any]])?.count == 1)

                // Reactions and bookmarks.
                #expect(try await amina.send("PUT", "/forums/posts/\(answer)/reactions/thanks").status == 204)
                #expect(try await amina.send("PUT", "/forums/posts/\(answer)/reactions/thanks").status == 204, "idempotent")
                #expect(try await omar.send("PUT", "/forums/posts/\(answer)/reactions/support").status == 204)
                #expect(try await amina.send("PUT", "/forums/posts/\(answer)/reactions/angry").status == 422)
                #expect(try await amina.send("PUT", "/forums/posts/\(answer)/bookmark").status == 204)
                let seen = try await amina.send("GET", "/forums/posts/\(answer)")
                #expect(seen.json["reactions"] as? [String: Int] == ["support": 1, "thanks": 1])
                #expect(seen.json["my_reactions"] as? [String] == ["thanks"])
                #expect(seen.json["bookmarked"] as? Bool == true)
                let bookmarks = try await amina.send("GET", "/forums/bookmarks")
                #expect((bookmarks.json["items"] as? [[String: Any]])?.map { $0["post_id"] as? String } == [answer])
                #expect(try await amina.send("DELETE", "/forums/posts/\(answer)/reactions/thanks").status == 204)
                #expect(try await amina.send("DELETE", "/forums/posts/\(answer)/bookmark").status == 204)
                #expect(try await amina.send("GET", "/forums/posts/\(answer)").json["reactions"] as? [String: Int] == ["support": 1])

                // The author deletes her reply-less… no: Omar replied, so she cannot delete the topic.
                #expect(try await amina.send("DELETE", "/forums/posts/\(first)").status == 422)
                #expect(try await omar.send("DELETE", "/forums/posts/\(first)").status == 403, "not his")
                #expect(try await omar.send("DELETE", "/forums/posts/\(answer)").status == 204)
                #expect(try await amina.postIDs(in: topic) == [first], "a deleted post is gone for members")
                #expect(try await omar.send("GET", "/forums/posts/\(answer)").status == 404)
            }
        }
    }

    @Test func concurrentEditsConflictAndModeratorsReadTheHistory() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let (moderator, _) = try await server.staff(email: "moderator@haven.test", role: .moderator)
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let (topic, post, _) = try await amina.startTopic(
                    in: try await server.category("human-rights"), title: "Draft guidance", body: "Line one\nLine two"
                )
                // Two edits from version 1 at once: one wins, the other is told, nothing is lost silently.
                async let first = amina.send("PATCH", "/forums/posts/\(post)", json: ["body": "Line one\nLine two, amended", "version": 1])
                async let second = moderator.send("PATCH", "/forums/posts/\(post)", json: ["body": "Line one\nLine 2", "version": 1])
                let replies = try await [first, second]
                #expect(replies.map(\.status).sorted() == [200, 409], "\(replies.map(\.text))")
                let conflict = try #require(replies.first { $0.status == 409 })
                #expect(conflict.json["type"] as? String == "urn:haven:problem:edit-conflict")
                // A stale version stays refused; the current one works, and changes the title too.
                #expect(try await amina.send("PATCH", "/forums/posts/\(post)", json: ["body": "x", "version": 1]).status == 409)
                let edited = try await amina.send("PATCH", "/forums/posts/\(post)", json: ["body": "Line one\nLine three", "version": 2, "title": "Guidance"])
                #expect(edited.status == 200, "\(edited.text)")
                #expect(edited.json["version"] as? Int == 3)
                #expect((try await amina.send("GET", "/forums/topics/\(topic)").json["topic"] as? [String: Any])?["title"] as? String == "Guidance")

                #expect(try await amina.send("GET", "/forums/posts/\(post)/revisions").status == 403, "history is for moderators")
                let history = try await moderator.send("GET", "/forums/posts/\(post)/revisions")
                let versions = try #require(try JSONSerialization.jsonObject(with: history.body) as? [[String: Any]], "\(history.text)")
                #expect(versions.map { $0["version"] as? Int } == [1, 2, 3])
                let secondVersion = try #require(versions[1]["source"] as? String)
                let replaced = String(secondVersion.split(separator: "\n").last ?? "")
                let diff = versions.last?["diff"] as? [String]
                #expect(diff == ["  Line one", "- " + replaced, "+ Line three"])
                #expect(versions.first?["written_by_name"] as? String == "Amina")
                // A moderator's edit of someone else's post is audited.
                let audited = try await server.services.pool.query("SELECT count(*)::int FROM audit_log WHERE action = 'forum.post-edit'")
                    .first?.decode(column: 0, as: Int32.self)
                #expect(audited == (replies[1].status == 200 ? 1 : 0))
            }
        }
    }

    @Test func badInputIsRefusedClearlyAndMarkupIsSanitised() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let category = try await server.category("human-rights")
                func create(_ body: Any, headers: [String: String] = [:]) async throws -> HTTPProbe.Reply {
                    try await amina.send("POST", "/forums/categories/\(category)/topics", json: body, headers: headers)
                }
                let valid: [String: Any] = ["title": "A title", "body": "A body", "language": "en"]
                func problem(_ reply: HTTPProbe.Reply) -> String { (reply.json["type"] as? String ?? "").replacing("urn:haven:problem:", with: "") }

                let empty = try await create(valid.merging(["title": "   "]) { $1 })
                #expect(empty.status == 422 && problem(empty) == "invalid-input")
                #expect(try await create(valid.merging(["body": ""]) { $1 }).status == 422)
                #expect(try await create(valid.merging(["title": String(repeating: "t", count: 201)]) { $1 }).status == 422)
                #expect(try await create(valid.merging(["language": "english!"]) { $1 }).status == 422)
                let long = try await create(valid.merging(["body": String(repeating: "a", count: 32_001)]) { $1 })
                #expect(long.status == 422, "over the post limit")
                let huge = try await create(valid.merging(["body": String(repeating: "a", count: 1_048_576)]) { $1 })
                #expect(huge.status == 413 && problem(huge) == "payload-too-large")
                #expect(try await create("{not json").status == 400)
                #expect(try await create(valid.merging(["author_id": UUID().uuidString]) { $1 }).status == 400, "unknown field")
                #expect(try await create(valid, headers: ["Content-Type": "text/plain"]).status == 415)
                let unknown = try await amina.send("POST", "/forums/categories/\(UUID().uuidString)/topics", json: valid)
                #expect(unknown.status == 404, "\(unknown.text)")
                #expect(try await amina.send("GET", "/forums/categories/\(UUID().uuidString)/topics").status == 404)
                #expect(try await amina.send("GET", "/forums/topics/not-a-uuid").status == 400)
                #expect(try await amina.send("GET", "/forums/categories/\(category)/topics?after=zz").status == 422)
                #expect(try await amina.send("GET", "/forums/search").status == 422)

                // Hostile and broken Markdown is stored as written and rendered harmless.
                let hostile = """
                    <script>alert(1)</script>
                    [click](javascript:alert(1)) [ok](https://example.org/a?b=1&c="x") ![x](https://tracker.example/p.png)
                    <img src=x onerror=alert(1)> **unclosed *emphasis [link(
                    ```
                    unclosed fence <b>
                    """
                let (_, post, reply) = try await amina.startTopic(in: category, title: "Markup", body: hostile)
                let html = try #require((reply.json["posts"] as? [[String: Any]])?.first?["html"] as? String)
                #expect(!html.contains("<script") && !html.contains("<img") && !html.contains("javascript:") && !html.contains("onerror=alert(1)>"))
                #expect(html.contains("&lt;script&gt;"))
                #expect(html.contains(#"<a href="https://example.org/a?b=1&amp;c=&quot;x&quot;" rel="nofollow noopener noreferrer">ok</a>"#), "\(html)")
                #expect(html.contains("<pre><code>unclosed fence &lt;b&gt;"))
                let source = try await amina.send("GET", "/forums/posts/\(post)").json["source"] as? String
                #expect(source == hostile, "the source is kept as written")
            }
        }
    }

    @Test func categoryRulesDecideWhoSeesAndWhoPosts() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let (admin, _) = try await server.administrator()
                let (moderator, _) = try await server.staff(email: "moderator@haven.test", role: .moderator)
                let insider = try await server.signUp(email: "insider@example.org", name: "Insider")
                let outsider = try await server.signUp(email: "outsider@example.org", name: "Outsider")
                let group = try #require(try await admin.send("POST", "/groups", json: ["name": "Victims' support"]).json["id"] as? String)
                #expect(try await admin.send("POST", "/groups/\(group)/members", json: ["account_id": try await insider.accountID().uuidString]).status == 204)

                let parent = try await server.category("victims-of-terrorism")
                let created = try await admin.send("POST", "/forums/categories", json: [
                    "slug": "working-group", "parent_id": parent, "names": ["en": "Working group", "fr": "Groupe de travail"],
                    "visibility": "restricted", "visible_groups": [group],
                ])
                #expect(created.status == 201, "\(created.text)")
                let restricted = try #require(created.json["id"] as? String)
                // Three levels are refused; groups on an open category are refused.
                #expect(try await admin.send("POST", "/forums/categories", json: ["slug": "too-deep", "parent_id": restricted, "names": ["en": "x"]]).status == 422)
                #expect(try await admin.send("POST", "/forums/categories", json: ["slug": "odd", "names": ["en": "x"], "visible_groups": [group]]).status == 422)
                #expect(try await admin.send("POST", "/forums/categories", json: ["slug": "Bad Slug", "names": ["en": "x"]]).status == 422)
                #expect(try await admin.send("POST", "/forums/categories", json: ["slug": "working-group", "names": ["en": "x"]]).status == 422)
                #expect(try await insider.send("POST", "/forums/categories", json: ["slug": "mine", "names": ["en": "x"]]).status == 403)

                let (topic, post, _) = try await insider.startTopic(in: restricted, title: "Case files", body: "Only for the group: quokkaword")
                // Outsiders and moderators outside the group are not told it exists.
                for client in [outsider, moderator] {
                    #expect(try await client.send("GET", "/forums/topics/\(topic)").status == 404)
                    #expect(try await client.send("GET", "/forums/posts/\(post)").status == 404)
                    #expect(try await client.send("GET", "/forums/categories/\(restricted)/topics").status == 404)
                    #expect(try await client.send("PUT", "/forums/posts/\(post)/reactions/like").status == 404)
                    #expect(try await client.send("POST", "/forums/posts/\(post)/flags", json: ["reason": "spam"]).status == 404)
                    #expect(try await client.search(["q": "quokkaword"]).ids.isEmpty)
                    let tree = try JSONSerialization.jsonObject(with: try await client.send("GET", "/forums/categories").body) as? [[String: Any]] ?? []
                    #expect(!String(decoding: try JSONSerialization.data(withJSONObject: tree), as: UTF8.self).contains(restricted))
                }
                // Outsiders are not told the category exists, as for one that does not.
                #expect(try await outsider.send("POST", "/forums/categories/\(restricted)/topics", json: ["title": "x", "body": "y", "language": "en"]).status == 404)
                // A moderator cannot move a topic into a category they cannot see; the answer is the same as for none.
                let (open, _, _) = try await outsider.startTopic(in: parent, title: "Open topic", body: "Hello")
                let move = try await moderator.send("PATCH", "/moderation/topics/\(open)", json: ["category_id": restricted])
                #expect(move.status == 422 && (move.json["detail"] as? String)?.contains("no such category") == true, "\(move.text)")
                #expect(try await moderator.send("PATCH", "/moderation/topics/\(open)", json: ["category_id": UUID().uuidString]).json["detail"] as? String == move.json["detail"] as? String)
                // Insiders and administrators see it; the administrator sees the rules too.
                #expect(try await insider.search(["q": "quokkaword"]).ids == [post])
                #expect(try await admin.send("GET", "/forums/topics/\(topic)").status == 200)
                let adminTree = try JSONSerialization.jsonObject(with: try await admin.send("GET", "/forums/categories").body) as? [[String: Any]] ?? []
                let child = adminTree.first { ($0["id"] as? String)?.lowercased() == parent }.flatMap { ($0["children"] as? [[String: Any]])?.first }
                #expect((child?["rules"] as? [String: Any])?["visibility"] as? String == "restricted")
                #expect((try JSONSerialization.jsonObject(with: try await insider.send("GET", "/forums/categories").body) as? [[String: Any]])?
                    .first { ($0["id"] as? String)?.lowercased() == parent }.map { ($0["children"] as? [[String: Any]])?.first?["rules"] == nil } == true)

                // Posting limited to the group: outsiders read but may not post; insiders post.
                let discussion = try #require(try await admin.send("POST", "/forums/categories", json: [
                    "slug": "group-led", "names": ["en": "Group-led"], "posting": "restricted", "posting_groups": [group],
                ]).json["id"] as? String)
                #expect(try await outsider.send("GET", "/forums/categories/\(discussion)/topics").status == 200)
                let (led, _, _) = try await insider.startTopic(in: discussion, title: "Led by the group", body: "Our plan")
                #expect(try await outsider.send("POST", "/forums/categories/\(discussion)/topics", json: ["title": "x", "body": "y", "language": "en"]).status == 403)
                #expect(try await outsider.replyIn(led, "Can I join?").reply.status == 403)

                // Visible to one organisation's members (and administrators) only.
                let organisation = try #require(try await insider.send(
                    "POST", "/organisations", json: ["names": ["en": "Survivors' network"], "country": "NG", "kind": "victims-association"]
                ).json["id"] as? String)
                #expect(try await admin.send("POST", "/organisations/\(organisation)/approve").status == 204)
                let members = try #require(try await admin.send("POST", "/forums/categories", json: [
                    "slug": "network-members", "names": ["en": "Network members"], "visibility": "restricted",
                    "visible_organisations": [organisation],
                ]).json["id"] as? String)
                #expect(try await insider.send("GET", "/forums/categories/\(members)/topics").status == 200)
                #expect(try await outsider.send("GET", "/forums/categories/\(members)/topics").status == 404)

                // Announcements: members read, staff post.
                let announcements = try await server.category("announcements")
                let refused = try await insider.send("POST", "/forums/categories/\(announcements)/topics", json: ["title": "x", "body": "y", "language": "en"])
                #expect(refused.status == 403, "\(refused.text)")
                let (notice, _, _) = try await admin.startTopic(in: announcements, title: "Welcome", body: "Read the guidelines.")
                #expect(try await insider.send("GET", "/forums/topics/\(notice)").status == 200)
                #expect(try await insider.replyIn(notice, "Thanks").reply.status == 403)
            }
        }
    }

    @Test func keysetPagesStayStableWhileOthersPost() async throws {
        try await TestDatabase.with { database in
            var forums = lenientForums()
            forums.pageSize = 20
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: forums) { server in
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let (topic, first, _) = try await amina.startTopic(in: try await server.category("human-rights"), title: "Long thread", body: "Start")
                let topicID = try #require(UUID(uuidString: topic))
                let author = try await amina.accountID()
                // 99 replies straight into the database (the HTTP path is tested elsewhere).
                try await server.services.pool.execute(
                    """
                    INSERT INTO forum_posts (topic_id, category_id, author_id, language, source, html, state, search_vector)
                    SELECT \(topicID), t.category_id, \(author), 'en', 'Reply ' || n, '<p>Reply ' || n || '</p>', 'published', ''::tsvector
                    FROM forum_topics t, generate_series(1, 99) n WHERE t.id = \(topicID)
                    """
                )
                let before = try await server.services.pool.query(
                    "SELECT id FROM forum_posts WHERE topic_id = \(topicID) ORDER BY seq"
                ).map { try $0.decode(column: 0, as: UUID.self).uuidString }
                #expect(before.count == 100 && before.first == first)
                // Page through while Omar keeps replying.
                var seen: [String] = []
                var cursor: String?
                var pages = 0
                repeat {
                    let path = "/forums/topics/\(topic)" + (cursor.map { "?after=\($0)" } ?? "")
                    let text = "Interrupting \(pages)"
                    async let page = omar.send("GET", path)
                    async let interloper = omar.replyIn(topic, text)
                    let (reply, _) = try await (page, interloper)
                    seen += (reply.json["posts"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                    cursor = reply.json["next"] as? String
                    pages += 1
                } while cursor != nil && pages < 20
                #expect(Set(seen).count == seen.count, "no post twice")
                #expect(Array(seen.prefix(100)) == before, "every earlier post once, in order")
                #expect(seen.count > 100, "posts written meanwhile come after")
            }
        }
    }

    @Test func postingAndSearchingAreRateLimited() async throws {
        try await TestDatabase.with { database in
            var forums = lenientForums()
            forums.postsPerMinute = 3
            forums.searchesPerMinute = 2
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: forums) { server in
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let (topic, _, _) = try await amina.startTopic(in: try await server.category("human-rights"), title: "Busy", body: "One")
                #expect(try await amina.replyIn(topic, "Two").reply.status == 201)
                #expect(try await amina.replyIn(topic, "Three").reply.status == 201)
                let limited = try await amina.replyIn(topic, "Four").reply
                #expect(limited.status == 429 && limited.json["type"] as? String == "urn:haven:problem:rate-limited")
                #expect(Int(limited.header("Retry-After") ?? "") ?? 0 >= 1)
                #expect(try await amina.search(["q": "one"]).reply.status == 200)
                #expect(try await amina.search(["q": "two"]).reply.status == 200)
                let searchLimited = try await amina.search(["q": "three"]).reply
                #expect(searchLimited.status == 429, "\(searchLimited.text)")
            }
        }
    }
}
