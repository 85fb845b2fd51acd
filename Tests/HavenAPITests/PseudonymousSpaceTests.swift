import Foundation
import HavenAPI
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// Pseudonymous categories end to end: nobody but the author learns who wrote a post there,
/// through any response of the API; administrators reveal an author only with a reason, audited,
/// the author told; pseudonyms are stable within a topic and differ across topics.
@Suite struct PseudonymousSpaceTests {
    /// Whether `text` is a pseudonym as Haven draws them: "Member " and 4–6 hexadecimal digits.
    static func isPseudonym(_ text: String?) -> Bool {
        text?.wholeMatch(of: /Member [0-9A-F]{4,6}/) != nil
    }

    /// Creates a pseudonymous category (as `admin`); returns its id.
    static func pseudonymousCategory(_ admin: SessionClient, slug: String, premoderated: Bool = false) async throws -> String {
        let created = try await admin.send("POST", "/forums/categories", json: [
            "slug": slug, "names": ["en": "Speak freely"], "pseudonymous": true, "premoderated": premoderated,
        ])
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json["pseudonymous"] as? Bool == true)
        return try #require(created.json["id"] as? String).lowercased()
    }

    static func posts(_ reply: HTTPProbe.Reply) -> [[String: Any]] { reply.json["posts"] as? [[String: Any]] ?? [] }

    /// Every GET operation of the OpenAPI document, as concrete paths: `{id}` after `categories`,
    /// `topics`, `posts` or `documents` takes each id given for it, `{version}` takes 1, and any
    /// other parameter a fresh id (so a route added later is called too, if only to answer 404).
    static func getPaths(ids: [String: [String]]) -> [String] {
        let lines = OpenAPIDocument.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var paths: [String] = []
        var current: String?
        for line in lines {
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                current = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("  "), !line.hasPrefix("   ") {
                current = nil
            } else if line == "    get:", let path = current {
                paths.append(path)
            } else if !line.hasPrefix(" "), !line.isEmpty {
                current = nil
            }
        }
        var concrete: [String] = []
        for path in paths {
            var variants = [""]
            let segments = path.split(separator: "/").map(String.init)
            for (index, segment) in segments.enumerated() {
                let choices: [String]
                if segment == "{id}", index > 0, let known = ids[segments[index - 1]] {
                    choices = known
                } else if segment == "{version}" {
                    choices = ["1"]
                } else if segment.hasPrefix("{") {
                    choices = [UUID().uuidString.lowercased()]
                } else {
                    choices = [segment]
                }
                variants = variants.flatMap { prefix in choices.map { prefix + "/" + $0 } }
            }
            concrete += variants
        }
        return concrete
    }

    @Test func noResponseToAMemberOrModeratorNamesTheAuthorOfAPseudonymousPost() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let (admin, _) = try await server.administrator()
                let (moderator, _) = try await server.staff(email: "moderator@haven.test", role: .moderator)
                let authorEmail = "zaynab.author@example.org"
                let authorName = "Zaynab Qureshi"
                let author = try await server.signUp(email: authorEmail, name: authorName)
                let authorID = try await author.accountID()
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let open = try await Self.pseudonymousCategory(admin, slug: "speak-freely")
                let vetted = try await Self.pseudonymousCategory(admin, slug: "speak-freely-vetted", premoderated: true)

                // Omar wants mentions and replies by mail, and a daily digest of the category.
                let preferences = try await omar.send("PUT", "/me/notification-preferences", json: ["preferences": ["mention": "email", "reply": "email"]])
                #expect(preferences.status == 200, "\(preferences.text)")
                #expect(try await omar.send("PUT", "/forums/categories/\(open)/follow").status == 204)
                #expect(try await omar.send("PUT", "/me/digest", json: ["frequency": "daily"]).status == 200)

                // The author starts a topic mentioning Omar; Omar replies quoting it; the author
                // edits, a moderator edits too; Omar reacts, bookmarks and reports.
                let (topic, first, _) = try await author.startTopic(
                    in: open, title: "Threats after our report", body: "We were threatened after publishing. @Omar have you seen this?"
                )
                let (omarsReply, quoted) = try await omar.replyIn(topic, "Yes, the same happened to us.", extra: ["reply_to": first, "quote": true])
                #expect(quoted.status == 201, "\(quoted.text)")
                let quotation = try #require(quoted.json["html"] as? String)
                #expect(quotation.contains(/<strong>Member [0-9A-F]{4}<\/strong> wrote:/), "the quotation names the pseudonym: \(quotation)")
                let (authorsReply, answered) = try await author.replyIn(topic, "Thank you @Omar, let us compare notes.")
                #expect(answered.status == 201, "\(answered.text)")
                let edited = try await author.send("PATCH", "/forums/posts/\(first)", json: ["body": "We were threatened after publishing our report.", "version": 1])
                #expect(edited.status == 200, "\(edited.text)")
                let moderated = try await moderator.send("PATCH", "/forums/posts/\(first)", json: ["body": "We were threatened after publishing a report.", "version": 2])
                #expect(moderated.status == 200, "\(moderated.text)")
                #expect(try await omar.send("PUT", "/forums/posts/\(first)/reactions/support").status == 204)
                #expect(try await omar.send("PUT", "/forums/posts/\(first)/bookmark").status == 204)
                #expect(try await omar.send("POST", "/forums/posts/\(authorsReply)/flags", json: ["reason": "personal-data"]).status == 204)
                // Omar starts a topic of his own and the author replies: Omar is told of a reply.
                let (omarsTopic, _, _) = try await omar.startTopic(in: open, title: "Legal support", body: "Who can help with lawyers?")
                #expect(try await author.replyIn(omarsTopic, "We know a good one.").reply.status == 201)
                // A topic that waits for a moderator, in the pre-moderated pseudonymous category.
                let (waiting, waitingPost, _) = try await author.startTopic(in: vetted, title: "Names of informants", body: "Waiting for a moderator.")
                // Two documents in the category's space: one approved, one waiting.
                let metadata: [String: Any] = ["space": "category", "space_id": open, "titles": ["en": "Field notes"], "language": "en", "filename": "notes.txt"]
                let uploaded = try await author.uploadRaw(Data("Field notes from the north.\n".utf8), metadata: metadata)
                #expect(uploaded.status == 201, "\(uploaded.text)")
                let document = try #require(uploaded.json["id"] as? String).lowercased()
                #expect(uploaded.json["uploader_id"] == nil && uploaded.json["mine"] as? Bool == true, "\(uploaded.text)")
                let uploader = try #require(uploaded.json["uploader_pseudonym"] as? String, "\(uploaded.text)")
                #expect(Self.isPseudonym(uploader))
                #expect((uploaded.json["latest"] as? [String: Any])?["uploaded_by_pseudonym"] as? String == uploader)
                #expect(try await moderator.send("POST", "/moderation/documents/\(document)/versions/1/decision", json: ["decision": "approve"]).status == 200)
                let pending = try await author.uploadRaw(Data("More notes.\n".utf8), metadata: metadata)
                let pendingDocument = try #require(pending.json["id"] as? String).lowercased()
                #expect(pending.json["uploader_pseudonym"] as? String != uploader, "a pseudonym per document")
                let seenByOmar = try await omar.send("GET", "/documents/\(document)")
                #expect(seenByOmar.json["uploader_pseudonym"] as? String == uploader && seenByOmar.json["mine"] as? Bool == false, "\(seenByOmar.text)")
                // The digest goes out (as the digest job would send it).
                try await server.services.pool.execute("UPDATE accounts SET digest_until = digest_until - interval '2 days' WHERE digest <> 'off'")
                _ = try await server.services.digests.sendDue()

                // Omar sees the pseudonym, not the author, and it is not his.
                let page = try await omar.send("GET", "/forums/topics/\(topic)")
                let shown = Self.posts(page)
                #expect(shown.count == 3)
                let firstShown = try #require(shown.first)
                #expect(Self.isPseudonym(firstShown["author_name"] as? String), "\(page.text)")
                #expect(firstShown["author_id"] == nil && firstShown["mine"] as? Bool == false && firstShown["pseudonymous"] as? Bool == true)
                #expect((page.json["topic"] as? [String: Any])?["author_name"] as? String == firstShown["author_name"] as? String)

                // Every GET route, as Omar and as the moderator.
                let ids: [String: [String]] = [
                    "categories": [open, vetted], "topics": [topic, omarsTopic, waiting],
                    "posts": [first, omarsReply, authorsReply, waitingPost], "documents": [document, pendingDocument],
                ]
                let forbidden = [authorID.uuidString, authorID.uuidString.lowercased(), authorName, authorEmail]
                var paths = Self.getPaths(ids: ids)
                #expect(paths.contains("/forums/topics/\(topic)") && paths.contains("/moderation/queue") && paths.contains("/audit"))
                paths += [
                    "/forums/search?q=threatened", "/forums/search?q=threatened&author=\(authorID.uuidString.lowercased())",
                    "/forums/search?q=informants", "/documents?space=category&space_id=\(open)", "/documents?q=field",
                    "/forums/categories/\(open)/topics",
                ]
                var answered200 = 0
                for (caller, client) in [("member", omar), ("moderator", moderator)] {
                    for path in paths {
                        let reply = try await client.send("GET", path)
                        if reply.status == 200 { answered200 += 1 }
                        let headers = reply.headers.map { "\($0.key): \($0.value)" }.joined(separator: "\n")
                        for secret in forbidden {
                            #expect(!reply.text.contains(secret), "GET \(path) as \(caller) names the author: \(reply.text.prefix(2000))")
                            #expect(!headers.contains(secret), "GET \(path) as \(caller) names the author in a header")
                        }
                    }
                }
                #expect(answered200 > 40, "the surface was actually read: \(answered200) answers")

                // What the moderator reads names the pseudonym where it names anyone.
                let queue = try await moderator.send("GET", "/moderation/queue")
                let queued = try #require((queue.json["posts"] as? [[String: Any]])?.first { $0["post_id"] as? String == waitingPost })
                #expect(Self.isPseudonym(queued["author_name"] as? String) && queued["author_id"] == nil, "\(queue.text)")
                let revisions = try await moderator.send("GET", "/forums/posts/\(first)/revisions")
                let writers = (try JSONSerialization.jsonObject(with: revisions.body) as? [[String: Any]] ?? []).map { $0["written_by_name"] as? String }
                #expect(writers.count == 3 && writers.allSatisfy { Self.isPseudonym($0) }, "\(revisions.text)")
                #expect(writers[0] == writers[1] && writers[1] != writers[2], "the author twice, then the moderator under a pseudonym of their own")
                let search = try await omar.search(["q": "threatened", "author": authorID.uuidString.lowercased()])
                #expect(search.ids.isEmpty, "no search by author finds a pseudonymous post: \(search.reply.text)")

                // Omar's inbox and mail: a mention and a reply, naming nobody.
                let inbox = try await omar.send("GET", "/me/notifications")
                let kinds = Set((inbox.json["items"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String })
                #expect(kinds.isSuperset(of: ["mention", "reply"]), "\(inbox.text)")
                let mail = try await server.services.pool.query(
                    "SELECT subject || body || coalesce(html, '') FROM mail_outbox WHERE recipient IN ('omar@example.org', 'moderator@haven.test')"
                ).map { try $0.decode(column: 0, as: String.self) }
                #expect(mail.count >= 3, "a mention, a reply and a digest by mail: \(mail.count)")
                for text in mail {
                    for secret in forbidden { #expect(!text.contains(secret), "mail names the author: \(text)") }
                }
            }
        }
    }

    @Test func onlyAnAdministratorWithAReasonRevealsAnAuthorAuditedAndTheAuthorIsTold() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let (admin, _) = try await server.administrator()
                let (moderator, _) = try await server.staff(email: "moderator@haven.test", role: .moderator)
                let author = try await server.signUp(email: "zaynab@example.org", name: "Zaynab")
                let authorID = try await author.accountID()
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let category = try await Self.pseudonymousCategory(admin, slug: "speak-freely")
                let (_, post, _) = try await author.startTopic(in: category, title: "A threat", body: "Someone threatened our staff.")
                let path = "/moderation/posts/\(post)/reveal"
                let reason = "A court order about a threat to life, case 2026/114."

                let anonymous = SessionClient(probe: server.client)
                #expect(try await anonymous.send("POST", path, json: ["reason": reason]).status == 401)
                for client in [omar, moderator, author] {
                    let refused = try await client.send("POST", path, json: ["reason": reason])
                    #expect(refused.status == 403, "\(refused.text)")
                    #expect(refused.json["type"] as? String == "urn:haven:problem:forbidden", "\(refused.text)")
                    #expect(!refused.text.contains(authorID.uuidString) && !refused.text.contains("Zaynab"))
                }
                // The administrator must give a reason, in a well-formed body.
                for (body, status, type) in [
                    ([String: Any](), 422, "urn:haven:problem:invalid-input"), (["reason": "   "], 422, "urn:haven:problem:invalid-input"),
                    (["reason": String(repeating: "x", count: 1001)], 422, "urn:haven:problem:invalid-input"),
                    (["reason": reason, "author": "x"], 400, "urn:haven:problem:unknown-field"),
                ] as [([String: Any], Int, String)] {
                    let refused = try await admin.send("POST", path, json: body)
                    #expect(refused.status == status && refused.json["type"] as? String == type, "\(body.keys): \(refused.text)")
                }
                let malformed = try await admin.send("POST", path, json: "{\"reason\": ")
                #expect(malformed.status == 400, "\(malformed.text)")
                let oversize = try await admin.send("POST", path, json: ["reason": String(repeating: "x", count: 2_000_000)])
                #expect(oversize.status == 413, "\(oversize.text)")
                #expect(try await admin.send("POST", "/moderation/posts/\(UUID())/reveal", json: ["reason": reason]).status == 404)
                let ordinary = try await author.startTopic(in: try await server.category("human-rights"), title: "Signed", body: "Under my name.")
                let notPseudonymous = try await admin.send("POST", "/moderation/posts/\(ordinary.post)/reveal", json: ["reason": reason])
                #expect(notPseudonymous.status == 409, "\(notPseudonymous.text)")
                #expect(try await server.services.pool.query("SELECT count(*)::int FROM audit_log WHERE action = 'forum.author-reveal'")
                    .first?.decode(column: 0, as: Int.self) == 0, "refusals reveal nothing and record no reveal")

                // It works for the administrator.
                let revealed = try await admin.send("POST", path, json: ["reason": reason])
                #expect(revealed.status == 200, "\(revealed.text)")
                #expect((revealed.json["author_id"] as? String)?.lowercased() == authorID.uuidString.lowercased())
                #expect(revealed.json["author_name"] as? String == "Zaynab")
                #expect(Self.isPseudonym(revealed.json["pseudonym"] as? String), "\(revealed.text)")

                // Audited by post and administrator, without the reason's words nor the author.
                let adminID = try await admin.accountID()
                let rows = try await server.services.pool.query(
                    "SELECT actor_id, target, details::text FROM audit_log WHERE action = 'forum.author-reveal'"
                ).map { try $0.decode((UUID?, String, String).self) }
                #expect(rows.count == 1)
                let (actor, target, details) = try #require(rows.first)
                #expect(actor == adminID)
                #expect(target.lowercased() == "post:\(post.lowercased())", "\(target)")
                #expect(!details.contains("court") && !details.contains(authorID.uuidString) && details.contains("reason_length"), "\(details)")
                let audit = try await admin.send("GET", "/audit?action=forum.author-reveal")
                #expect(audit.status == 200 && audit.text.contains("forum.author-reveal"), "\(audit.text)")

                // The author is told, with the reason, and cannot turn such notices off.
                let inbox = try await author.send("GET", "/me/notifications")
                let told = try #require((inbox.json["items"] as? [[String: Any]])?.first { $0["kind"] as? String == "author-revealed" }, "\(inbox.text)")
                #expect(((told["subject"] as? [String: Any])?["id"] as? String)?.lowercased() == post.lowercased())
                #expect((told["details"] as? [String: String])?["reason"] == reason)
                let off = try await author.send("PUT", "/me/notification-preferences", json: ["preferences": ["author-revealed": "off"]])
                #expect(off.status == 422 && off.json["type"] as? String == "urn:haven:problem:security-notification-required", "\(off.text)")
                let byMail = try await author.send("PUT", "/me/notification-preferences", json: ["preferences": ["author-revealed": "email"]])
                #expect(byMail.status == 200, "\(byMail.text)")
                // Nobody else was told.
                let others = try await server.services.pool.query(
                    "SELECT count(*)::int FROM notifications WHERE kind = 'author-revealed' AND account_id <> \(authorID)"
                ).first?.decode(column: 0, as: Int.self)
                #expect(others == 0)
            }
        }
    }

    @Test func authorsSeeTheirOwnPostsAndPseudonymsHoldWithinATopicAndDifferAcrossTopics() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let (admin, _) = try await server.administrator()
                let (moderator, _) = try await server.staff(email: "moderator@haven.test", role: .moderator)
                let author = try await server.signUp(email: "zaynab@example.org", name: "Zaynab")
                let authorID = try await author.accountID()
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let category = try await Self.pseudonymousCategory(admin, slug: "speak-freely")

                let (topic, first, created) = try await author.startTopic(in: category, title: "First", body: "Harvest olives.")
                let pseudonym = try #require(Self.posts(created).first?["author_name"] as? String)
                #expect(Self.isPseudonym(pseudonym), "\(created.text)")
                #expect(Self.posts(created).first?["mine"] as? Bool == true && Self.posts(created).first?["author_id"] == nil)
                #expect((created.json["topic"] as? [String: Any])?["mine"] as? Bool == true)
                let (second, _) = try await author.replyIn(topic, "Two.")
                let (omars, _) = try await omar.replyIn(topic, "Three.")
                _ = try await author.replyIn(topic, "Four.")

                // Within the topic: one pseudonym per author, the author's marked as theirs for them only.
                for (client, own) in [(author, true), (omar, false)] {
                    let page = Self.posts(try await client.send("GET", "/forums/topics/\(topic)"))
                    let byAuthor = page.filter { $0["id"] as? String != omars }
                    #expect(byAuthor.count == 3 && byAuthor.allSatisfy { $0["author_name"] as? String == pseudonym })
                    #expect(byAuthor.allSatisfy { $0["mine"] as? Bool == own && $0["author_id"] == nil })
                    let omarsPost = try #require(page.first { $0["id"] as? String == omars })
                    #expect(omarsPost["author_name"] as? String != pseudonym && omarsPost["mine"] as? Bool == !own)
                }
                #expect(try await author.send("GET", "/forums/posts/\(second)").json["mine"] as? Bool == true)
                // Mentioning a pseudonym tells nobody: no account answers to it.
                #expect(try await omar.replyIn(topic, "I agree with @[\(pseudonym)] here.").reply.status == 201)
                let mentions = try await server.services.pool.query("SELECT count(*)::int FROM notifications WHERE kind = 'mention'")
                    .first?.decode(column: 0, as: Int.self)
                #expect(mentions == 0)
                // The author finds their own posts by author; others do not.
                #expect(try await author.search(["q": "olives", "author": authorID.uuidString]).ids == [first])
                #expect(try await omar.search(["q": "olives", "author": authorID.uuidString]).ids.isEmpty)
                #expect(try await omar.search(["q": "olives"]).ids == [first], "found without the author filter")

                // Across topics: a different pseudonym, every time.
                var seen: Set<String> = [pseudonym]
                for index in 0..<5 {
                    let (_, _, other) = try await author.startTopic(in: category, title: "Topic \(index)", body: "Body \(index).")
                    let name = try #require(Self.posts(other).first?["author_name"] as? String)
                    #expect(!seen.contains(name), "\(name) again")
                    seen.insert(name)
                }

                // The setting holds while the category has topics; topics do not cross the line.
                let update: [String: Any] = ["slug": "speak-freely", "names": ["en": "Speak freely"], "pseudonymous": false]
                let turnedOff = try await admin.send("PUT", "/forums/categories/\(category)", json: update)
                #expect(turnedOff.status == 409, "\(turnedOff.text)")
                let kept = try await admin.send("PUT", "/forums/categories/\(category)", json: ["slug": "speak-freely", "names": ["en": "Renamed"]])
                #expect(kept.status == 200 && kept.json["pseudonymous"] as? Bool == true, "left out, it stays: \(kept.text)")
                let ordinary = try await server.category("human-rights")
                #expect(try await moderator.send("PATCH", "/moderation/topics/\(topic)", json: ["category_id": ordinary]).status == 409)
                let (signed, _, _) = try await omar.startTopic(in: ordinary, title: "Signed", body: "Under my name.")
                #expect(try await moderator.send("PATCH", "/moderation/topics/\(signed)", json: ["category_id": category]).status == 409)
                #expect(try await moderator.send("POST", "/moderation/topics/\(topic)/merge", json: ["into": signed]).status == 409)
                let empty = try await admin.send("POST", "/forums/categories", json: ["slug": "not-yet", "names": ["en": "Not yet"]])
                let emptyID = try #require(empty.json["id"] as? String)
                #expect(empty.json["pseudonymous"] as? Bool == false)
                // A document in a category's space holds the setting as a topic does.
                let withDocument = try #require(try await admin.send("POST", "/forums/categories", json: ["slug": "files-only", "names": ["en": "Files"]])
                    .json["id"] as? String)
                let filed = try await omar.uploadRaw(Data("Notes.\n".utf8), metadata: [
                    "space": "category", "space_id": withDocument, "titles": ["en": "Notes"], "language": "en", "filename": "notes.txt",
                ])
                #expect(filed.status == 201, "\(filed.text)")
                let blocked = try await admin.send("PUT", "/forums/categories/\(withDocument)", json: ["slug": "files-only", "names": ["en": "Files"], "pseudonymous": true])
                #expect(blocked.status == 409, "\(blocked.text)")
                let turnedOn = try await admin.send("PUT", "/forums/categories/\(emptyID)", json: ["slug": "not-yet", "names": ["en": "Not yet"], "pseudonymous": true])
                #expect(turnedOn.status == 200 && turnedOn.json["pseudonymous"] as? Bool == true, "\(turnedOn.text)")
                let members = try await omar.send("GET", "/forums/categories")
                #expect(members.text.contains("\"pseudonymous\":true"), "members are told which categories are pseudonymous")
            }
        }
    }
}
