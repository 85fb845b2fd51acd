import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// Search in the six UN languages with real sentences: inflected forms, Arabic with and without
/// diacritics, Chinese words inside sentences; filters; and never a post the searcher may not see.
@Suite struct ForumSearchTests {
    @Test func findsInflectedFormsInEachOfTheSixLanguages() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let reader = try await server.signUp(email: "reader@example.org", name: "Reader")
                let category = try await server.category("victims-of-terrorism")
                let sentences: [(language: String, text: String)] = [
                    ("en", "Survivors of terrorist attacks need long-term psychological support."),
                    ("fr", "Chaque victime du terrorisme mérite un accompagnement durable."),
                    ("es", "Las víctimas del terrorismo merecen reconocimiento y reparación."),
                    ("ru", "Мы оказываем помощь жертвам терроризма и их семьям."),
                    ("ar", "نُقَدِّمُ الدَّعْمَ النَّفْسِيَّ لِضَحَايَا الإِرْهَابِ فِي المَدَارِسِ"),
                    ("ar", "نساعد الأسر المتضررة من الإرهاب"),
                    ("zh", "我们为恐怖主义受害者提供心理支持和法律援助。"),
                ]
                var posts: [String] = []
                for (index, sentence) in sentences.enumerated() {
                    let (_, post, _) = try await amina.startTopic(in: category, title: "Topic \(index)", body: sentence.text, language: sentence.language)
                    posts.append(post)
                }
                let (en, fr, es, ru, arVocalised, arPlain, zh) = (posts[0], posts[1], posts[2], posts[3], posts[4], posts[5], posts[6])
                let cases: [(query: String, expected: String)] = [
                    ("survivor", en), ("supporting", en), ("attack", en),
                    ("victimes", fr), ("accompagnements", fr),
                    ("víctima", es), ("reparaciones", es),
                    ("жертвы", ru), ("терроризм", ru), ("семья", ru),
                    ("الإرهاب", arVocalised), ("النفسي", arVocalised),
                    ("الإِرْهَابِ", arPlain), ("الأُسَر", arPlain),
                    ("受害者", zh), ("法律援助", zh), ("心理", zh),
                ]
                for (query, expected) in cases {
                    let (ids, reply) = try await reader.search(["q": query])
                    #expect(reply.status == 200, "\(query): \(reply.text)")
                    #expect(ids.contains(expected), "\(query) should find \(expected): \(reply.text)")
                }
                // Arabic "the terrorism" finds both Arabic posts, with and without diacritics.
                #expect(Set(try await reader.search(["q": "الارهاب"]).ids) == [arVocalised, arPlain])
                // A word not in any post finds nothing; a Chinese word not in the text finds nothing.
                #expect(try await reader.search(["q": "elephant"]).ids.isEmpty)
                #expect(try await reader.search(["q": "大象"]).ids.isEmpty)

                // Snippets mark the words found, as escaped text.
                let hits = try await reader.search(["q": "victimes"]).reply.json["items"] as? [[String: Any]]
                let hit = try #require(hits?.first { $0["post_id"] as? String == fr })
                #expect((hit["snippet"] as? String)?.contains("<mark>victime</mark>") == true, "\(hit)")
                let zhHit = try #require((try await reader.search(["q": "受害者"]).reply.json["items"] as? [[String: Any]])?.first)
                #expect((zhHit["snippet"] as? String)?.contains("<mark>受害者</mark>") == true, "\(zhHit)")

                // Filters: language, author, category, dates.
                #expect(try await reader.search(["q": "terrorisme", "language": "fr"]).ids == [fr])
                #expect(try await reader.search(["q": "víctimas", "language": "ru"]).ids.isEmpty)
                // (Stemmers also strip accents, so Spanish "víctimas" meets French "victime" too.)
                #expect(Set(try await reader.search(["q": "víctimas"]).ids) == [es, fr])
                #expect(try await reader.search(["q": "reconocimientos", "author": try await reader.accountID().uuidString]).ids.isEmpty)
                #expect(try await reader.search(["q": "reconocimientos", "author": try await amina.accountID().uuidString]).ids == [es])
                #expect(try await reader.search(["q": "reconocimientos", "category": try await server.category("human-rights")]).ids.isEmpty)
                #expect(try await reader.search(["q": "reconocimientos", "since": "2999-01-01T00:00:00Z"]).ids.isEmpty)
                #expect(try await reader.search(["q": "reconocimientos", "until": "2999-01-01T00:00:00Z"]).ids == [es])
                #expect(try await reader.search(["q": "reconocimientos", "since": "yesterday"]).reply.status == 422)
                #expect(try await reader.search(["q": String(repeating: "x", count: 201)]).reply.status == 422)
                #expect(try await reader.search(["q": "víctimas", "category": UUID().uuidString]).ids.isEmpty)
            }
        }
    }

    @Test func neverFindsPendingHiddenDeletedOrInvisiblePosts() async throws {
        try await TestDatabase.with { database in
            var forums = lenientForums()
            forums.trustedAfterApprovedPosts = 1
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: forums) { server in
                let (moderator, _) = try await server.staff(email: "moderator@haven.test", role: .moderator)
                let newcomer = try await server.signUp(email: "new@example.org", name: "Newcomer")
                let reader = try await server.signUp(email: "reader@example.org", name: "Reader")
                let category = try await server.category("human-rights")
                // Pending: its unique word is found by nobody, the author included.
                let (_, pending, _) = try await newcomer.startTopic(in: category, title: "Waiting", body: "The word is xylocarpa.")
                for client in [newcomer, reader, moderator] { #expect(try await client.search(["q": "xylocarpa"]).ids.isEmpty) }
                // Approved: found. Hidden: gone again. Restored, then deleted: gone.
                #expect(try await moderator.send("POST", "/moderation/posts/\(pending)/decision", json: ["decision": "approve"]).status == 204)
                #expect(try await reader.search(["q": "xylocarpa"]).ids == [pending])
                #expect(try await moderator.send("POST", "/moderation/posts/\(pending)/hide", json: ["reason": "Checking"]).status == 204)
                for client in [newcomer, reader, moderator] { #expect(try await client.search(["q": "xylocarpa"]).ids.isEmpty) }
                #expect(try await moderator.send("POST", "/moderation/posts/\(pending)/restore").status == 204)
                #expect(try await newcomer.send("DELETE", "/forums/posts/\(pending)").status == 204)
                #expect(try await reader.search(["q": "xylocarpa"]).ids.isEmpty)
                // Staff-only categories are searched by staff only.
                let (admin, _) = try await server.administrator()
                let staffOnly = try #require(try await admin.send(
                    "POST", "/forums/categories", json: ["slug": "staff-room", "names": ["en": "Staff room"], "visibility": "staff"]
                ).json["id"] as? String)
                let (_, staffPost, _) = try await moderator.startTopic(in: staffOnly, title: "Internal", body: "Internal word quillwort.")
                #expect(try await reader.search(["q": "quillwort"]).ids.isEmpty)
                #expect(try await moderator.search(["q": "quillwort"]).ids == [staffPost])
            }
        }
    }

    @Test func pagesThroughManyHitsWithoutRepeats() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let (topic, first, _) = try await amina.startTopic(in: try await server.category("human-rights"), title: "Many", body: "resilience")
                for index in 0..<44 {
                    let text = String(repeating: "resilience ", count: index % 4 + 1) + "note \(index)"
                    #expect(try await amina.replyIn(topic, text).reply.status == 201)
                }
                var ids: [String] = []
                var cursor: String?
                repeat {
                    var query = ["q": "resilience"]
                    query["after"] = cursor
                    let reply = try await amina.search(query).reply
                    ids += (reply.json["items"] as? [[String: Any]] ?? []).compactMap { $0["post_id"] as? String }
                    cursor = reply.json["next"] as? String
                } while cursor != nil && ids.count < 200
                #expect(ids.count == 45 && Set(ids).count == 45 && ids.contains(first))
            }
        }
    }
}
