import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Synchronization
import Testing

/// A member's export of their own data, over HTTPS: what the archive holds (read back by
/// Python's zipfile) and what it never holds, its preparation in the background, its one
/// download, its expiry, the notification, the rate limit and the audit.
@Suite struct DataExportTests {
    /// A clock the test moves; the server asks it whenever a decision depends on the time.
    final class TestClock: Sendable {
        private let now = Mutex(Date())

        func read() -> Date { self.now.withLock { $0 } }

        func advance(by interval: TimeInterval) { self.now.withLock { $0 = $0.addingTimeInterval(interval) } }
    }

    static func exports(clock: TestClock) -> DataExportsConfiguration {
        var configuration = DataExportsConfiguration()
        configuration.clock = { clock.read() }
        return configuration
    }

    /// Every post of a member waits for a moderator (so the second member's reply stays pending).
    static func premoderatedForums() -> ForumsConfiguration {
        var configuration = lenientForums()
        configuration.trustedAfterApprovedPosts = 1_000
        return configuration
    }

    /// The archive's entries, by name, as Python's zipfile reads them (after checking every CRC).
    static func entries(of zip: Data) async throws -> [String: String] {
        let file = FileManager.default.temporaryDirectory.appending(path: "export-\(UUID().uuidString).zip")
        defer { try? FileManager.default.removeItem(at: file) }
        try zip.write(to: file)
        let listing = try await ConsultationExportTests.python(
            """
            import json, sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as z:
                assert z.testzip() is None
                print(json.dumps({info.filename: z.read(info).decode("utf-8") for info in z.infolist()}))
            """,
            [file.path]
        )
        #expect(listing.status == 0, "\(listing.output)")
        return try #require(try JSONSerialization.jsonObject(with: Data(listing.output.utf8)) as? [String: String], "\(listing.output)")
    }

    /// A JSON file of the archive as an array of objects.
    static func array(_ entries: [String: String], _ name: String) throws -> [[String: Any]] {
        let text = try #require(entries[name], "\(name) is missing")
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], "\(name): \(text)")
    }

    static func object(_ entries: [String: String], _ name: String) throws -> [String: Any] {
        let text = try #require(entries[name], "\(name) is missing")
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(name): \(text)")
    }

    /// Asks for an export; returns its id.
    static func request(_ client: SessionClient) async throws -> String {
        let reply = try await client.send("POST", "/me/exports")
        #expect(reply.status == 202, "\(reply.text)")
        let id = try #require(reply.json["id"] as? String, "\(reply.text)").lowercased()
        #expect(reply.header("location") == "/me/exports/\(id)")
        return id
    }

    @Test func theArchiveHoldsEveryKindOfRecordOfTheMemberAndNothingOfAnybodyElse() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: Self.premoderatedForums()) { server in
                let pool = database.pool
                let (staff, _) = try await server.administrator()
                var member = try await server.signUp(email: "amina@example.org", name: "Amina")
                let second = try await server.signUp(email: "second-member@example.org", name: "Bakari")
                let memberID = try await member.accountID()

                // Secrets: a second factor (and its recovery codes), an API token, the session.
                let enrolment = try await member.send("POST", "/me/two-factor")
                let totpSecret = try #require(enrolment.json["secret"] as? String, "\(enrolment.text)")
                let confirmed = try await member.send("POST", "/me/two-factor/confirm", json: ["code": server.totp(totpSecret)])
                let recoveryCodes = try #require(confirmed.json["recovery_codes"] as? [String], "\(confirmed.text)")
                let token = try await member.send("POST", "/me/api-tokens", json: ["name": "My laptop script", "scopes": ["read"], "expires_in_days": 30])
                let tokenSecret = try #require(token.json["secret"] as? String, "\(token.text)")
                let sessionToken = try #require(member.sessionToken)

                // An organisation (its admin), a group.
                let organisation = try await ConsultationAPITests.organisation("Mothers for Peace", country: "KE", admin: member, members: [], approvedBy: staff, pool: pool).lowercased()
                let group = try #require(try await staff.send("POST", "/groups", json: ["name": "Survivors' network"]).json["id"] as? String)
                #expect(try await staff.send("POST", "/groups/\(group)/members", json: ["account_id": memberID.uuidString]).status == 204)

                // A topic, approved, then edited (a revision); the second member's reply waits for a moderator.
                let category = try await server.category("human-rights")
                let (topic, startingPost, _) = try await member.startTopic(in: category, title: "Mothers' circles", body: "Our circles meet every week.")
                let firstPost = startingPost.lowercased()
                #expect(try await staff.send("POST", "/moderation/posts/\(firstPost)/decision", json: ["decision": "approve"]).status < 300)
                let edited = try await member.send("PATCH", "/forums/posts/\(firstPost)", json: ["body": "Our circles meet every Tuesday.", "version": 1])
                #expect(edited.status == 200, "\(edited.text)")
                let (pendingReply, pending) = try await second.replyIn(topic, "Bakari's unmoderated words about the circles.")
                #expect(pending.status == 201, "\(pending.text)")
                let pendingState = try await pool.query("SELECT state FROM forum_posts WHERE id = \(UUID(uuidString: pendingReply))").first?.decode(column: 0, as: String.self)
                #expect(pendingState == "pending")

                // A staff topic the member reacts to, bookmarks and reports; a category followed.
                let staffPost = try await staff.startTopic(in: category, title: "Staff news", body: "A word from the platform team.").post.lowercased()
                #expect(try await member.send("PUT", "/forums/posts/\(staffPost)/reactions/thanks").status < 300)
                #expect(try await member.send("PUT", "/forums/posts/\(staffPost)/bookmark").status < 300)
                #expect(try await member.send("POST", "/forums/posts/\(staffPost)/flags", json: ["reason": "off-topic", "note": "Belongs in announcements."]).status < 300)
                #expect(try await member.send("PUT", "/forums/categories/\(category)/follow").status < 300)

                // A document in two versions, by the member; one by the second member.
                let uploaded = try await member.uploadRaw(Data("Circle report, first draft.\n".utf8), metadata: libraryMetadata("Circle report", extra: ["filename": "report.txt"]))
                let document = try #require(uploaded.json["id"] as? String, "\(uploaded.text)").lowercased()
                let newer = try await member.probe.send(
                    "POST", "/documents/\(document)/versions?filename=report-final.txt",
                    headers: member.authentication.merging(["Content-Type": "application/octet-stream", "Expect": ""]) { $1 }, body: Data("Circle report, final.\n".utf8)
                )
                #expect(newer.status == 201, "\(newer.text)")
                _ = try await second.uploadRaw(Data("Bakari's private notes.\n".utf8), metadata: libraryMetadata("Notes", extra: ["filename": "notes.txt"]))

                // Notification settings; a contribution to a consultation; an event registration.
                #expect(try await member.send("PUT", "/me/notification-preferences", json: ["preferences": ["reply": "email"]]).status == 200)
                let consultation = try #require(try await staff.send("POST", "/consultations", json: ConsultationAPITests.draft(audience: ["organisations": [organisation]])).json["id"] as? String).lowercased()
                let answered = try await member.send("PUT", "/consultations/\(consultation)/contributions/\(organisation)", json: ["answers": ["q1": "Listening circles work."]])
                #expect(answered.status == 200, "\(answered.text)")
                let event = try #require(try await staff.send("POST", "/events", json: [
                    "kind": "webinar", "titles": ["en": "Circles webinar"], "audience": ["organisations": [organisation]], "time_zone": "Africa/Nairobi",
                    "starts_at": Date().addingTimeInterval(86_400).formatted(.iso8601), "ends_at": Date().addingTimeInterval(90_000).formatted(.iso8601),
                ]).json["id"] as? String).lowercased()
                let registered = try await member.send("POST", "/events/\(event)/registrations", json: ["answers": [:] as [String: String]])
                #expect(registered.status == 201, "\(registered.text)")

                // The topic read (a reading position).
                #expect(try await member.send("GET", "/forums/topics/\(topic)").status == 200)

                // Asked for, prepared in the background, downloaded over HTTPS.
                let id = try await Self.request(member)
                #expect(try await server.services.exports.prepareDue() == 1)
                let ready = try await member.send("GET", "/me/exports/\(id)")
                #expect(ready.json["state"] as? String == "ready", "\(ready.text)")
                let zip = try await member.send("GET", "/me/exports/\(id)/download")
                #expect(zip.status == 200 && zip.header("content-type") == "application/zip", "\(zip.text.prefix(300))")
                #expect(zip.header("content-disposition")?.hasPrefix("attachment;") == true)
                #expect(Int(zip.header("content-length") ?? "") == zip.body.count)
                let entries = try await Self.entries(of: zip.body)

                let profile = try Self.object(entries, "profile.json")
                #expect(profile["email"] as? String == "amina@example.org" && profile["display_name"] as? String == "Amina")
                #expect(profile["two_factor_enabled"] as? Bool == true && profile["recovery_codes_unused"] as? Int == recoveryCodes.count)
                #expect(try Self.array(entries, "organisations.json").map { $0["id"] as? String } == [organisation])
                #expect(try Self.array(entries, "groups.json").map { $0["name"] as? String } == ["Survivors' network"])
                let sessions = try Self.array(entries, "sessions.json")
                #expect(!sessions.isEmpty && sessions.allSatisfy { $0["token_hash"] == nil && $0["id"] != nil })
                #expect(try Self.array(entries, "api_tokens.json").map { $0["name"] as? String } == ["My laptop script"])
                let posts = try Self.array(entries, "posts.json")
                #expect(posts.map { $0["id"] as? String } == [firstPost])
                #expect(posts.first?["source"] as? String == "Our circles meet every Tuesday.")
                let revisions = posts.first?["revisions"] as? [[String: Any]] ?? []
                #expect(revisions.map { $0["source"] as? String } == ["Our circles meet every week."], "\(revisions)")
                #expect(try Self.array(entries, "reactions.json").map { "\($0["post_id"] ?? ""):\($0["kind"] ?? "")" } == ["\(staffPost):thanks"])
                #expect(try Self.array(entries, "bookmarks.json").map { $0["post_id"] as? String } == [staffPost])
                let flags = try Self.array(entries, "flags.json")
                #expect(flags.map { $0["post_id"] as? String } == [staffPost] && flags.first?["note"] as? String == "Belongs in announcements.")
                #expect(try Self.array(entries, "follows.json").map { $0["category_id"] as? String } == [category])
                #expect(try Self.array(entries, "reads.json").contains { $0["topic_id"] as? String == topic.lowercased() })
                let documents = try Self.array(entries, "documents.json")
                #expect(documents.map { $0["id"] as? String } == [document])
                let versions = documents.first?["versions_you_uploaded"] as? [[String: Any]] ?? []
                let files = versions.compactMap { $0["file"] as? String }
                #expect(files == ["documents/\(document)/1/report.txt", "documents/\(document)/2/report-final.txt"], "\(versions)")
                #expect(files.map { entries[$0] } == ["Circle report, first draft.\n", "Circle report, final.\n"])
                let notifications = try Self.array(entries, "notifications.json")
                #expect(notifications.contains { $0["kind"] as? String == "post-approved" }, "\(notifications)")
                let preferences = try Self.object(entries, "notification_preferences.json")["notifications"] as? [String: String]
                #expect(preferences?["reply"] == "email" && preferences?["data-export-ready"] == "in-app")
                let contributions = try Self.array(entries, "consultation_contributions.json")
                #expect(contributions.map { $0["consultation_id"] as? String } == [consultation])
                #expect((contributions.first?["answers"] as? [String: String])?["q1"] == "Listening circles work.")
                let registrations = try Self.array(entries, "event_registrations.json")
                #expect(registrations.map { $0["event_id"] as? String } == [event])
                let audit = try Self.array(entries, "audit.json")
                #expect(audit.contains { $0["action"] as? String == "data-export.request" && $0["actor"] as? String == "you" })
                #expect(audit.contains { $0["action"] as? String == "group.member-add" && $0["actor"] as? String == "another account" })
                #expect(entries["manifest.json"] != nil && entries["pseudonyms.json"] != nil)

                // Nothing of anybody else's, and none of the member's secrets, anywhere in the bytes.
                let bytes = zip.body
                let passwordHash = try #require(try await pool.query("SELECT password_hash FROM accounts WHERE id = \(memberID)").first?.decode(column: 0, as: String.self))
                let hashes = try await pool.query(
                    """
                    SELECT encode(token_hash, 'hex') FROM sessions WHERE account_id = \(memberID)
                    UNION ALL SELECT encode(token_hash, 'hex') FROM api_tokens WHERE account_id = \(memberID)
                    UNION ALL SELECT encode(code_hash, 'hex') FROM recovery_codes WHERE account_id = \(memberID)
                    UNION ALL SELECT encode(totp_secret_sealed, 'hex') FROM accounts WHERE id = \(memberID)
                    """
                ).map { try $0.decode(column: 0, as: String.self) }
                let absent = ["Bakari's unmoderated words", pendingReply.lowercased(), pendingReply, "second-member@example.org", "admin@haven.test", "Bakari's private notes",
                              passwordHash, totpSecret, tokenSecret, sessionToken] + recoveryCodes + hashes
                for text in absent {
                    #expect(bytes.range(of: Data(text.utf8)) == nil, "\(text) is in the archive")
                }
            }
        }
    }

    @Test func downloadableOnceThenGoneAndShredded() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let pool = database.pool
                let member = try await server.signUp(email: "amina@example.org")
                let id = try await Self.request(member)
                #expect(try await server.services.exports.prepareDue() == 1)
                let uuid = try #require(UUID(uuidString: id))
                // At rest, the archive is sealed: no chunk holds the member's email in the clear.
                let sealed = try await pool.query("SELECT sealed FROM data_export_chunks WHERE export_id = \(uuid)").map { try $0.decode(column: 0, as: [UInt8].self) }
                #expect(!sealed.isEmpty && sealed.allSatisfy { Data($0).range(of: Data("amina@example.org".utf8)) == nil })

                // HEAD says what GET would, and does not use the download up.
                let head = try await member.send("HEAD", "/me/exports/\(id)/download", headers: [:])
                #expect(head.status == 200 && head.header("content-type") == "application/zip" && Int(head.header("content-length") ?? "") ?? 0 > 100, "\(head.headers)")
                let first = try await member.send("GET", "/me/exports/\(id)/download")
                #expect(first.status == 200 && first.body.count == Int(head.header("content-length") ?? ""))
                let second = try await member.send("GET", "/me/exports/\(id)/download")
                #expect(second.status == 410 && second.header("content-type") == "application/problem+json", "\(second.text)")
                #expect(second.json["type"] as? String == "urn:haven:problem:export-gone")
                #expect(try await member.send("HEAD", "/me/exports/\(id)/download").status == 410)
                let state = try await member.send("GET", "/me/exports/\(id)")
                #expect(state.json["state"] as? String == "downloaded" && state.json["download"] == nil && state.json["downloaded_at"] != nil, "\(state.text)")
                // The key and every chunk are gone.
                let left = try await pool.query(
                    "SELECT (SELECT count(*)::int FROM data_export_keys WHERE export_id = \(uuid)) + (SELECT count(*)::int FROM data_export_chunks WHERE export_id = \(uuid))"
                ).first?.decode(column: 0, as: Int.self)
                #expect(left == 0)
            }
        }
    }

    @Test func anExportNotDownloadedInTimeExpiresAndIsShredded() async throws {
        let clock = TestClock()
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), exports: Self.exports(clock: clock)) { server in
                let pool = database.pool
                let exports = server.services.exports
                let member = try await server.signUp(email: "amina@example.org")
                let id = try await Self.request(member)
                let uuid = try #require(UUID(uuidString: id))
                #expect(try await exports.prepareDue() == 1)
                let ready = try await member.send("GET", "/me/exports/\(id)")
                let expires = try #require(ready.json["expires_at"] as? String)
                let readyAt = try #require(ready.json["ready_at"] as? String)
                let span = try Date(expires, strategy: .iso8601).timeIntervalSince(try Date(readyAt, strategy: .iso8601))
                #expect(abs(span - 7 * 86_400) < 2, "\(ready.text)")

                // Six days on, still there; the periodic job expires nothing.
                clock.advance(by: 6 * 86_400)
                #expect(try await exports.expireDue() == 0)
                #expect(try await member.send("GET", "/me/exports/\(id)").json["state"] as? String == "ready")
                // Past its time: expired at once for the member, then shredded by the job; the download is gone.
                clock.advance(by: 2 * 86_400)
                #expect(try await member.send("GET", "/me/exports/\(id)").json["state"] as? String == "expired")
                #expect(try await exports.expireDue() == 1)
                let keys = try await pool.query("SELECT count(*)::int FROM data_export_keys WHERE export_id = \(uuid)").first?.decode(column: 0, as: Int.self)
                #expect(keys == 0)
                #expect(try await member.send("GET", "/me/exports/\(id)").json["state"] as? String == "expired")
                let download = try await member.send("GET", "/me/exports/\(id)/download")
                #expect(download.status == 410 && download.json["type"] as? String == "urn:haven:problem:export-gone", "\(download.text)")

                // Once the day has passed, the member may ask again; a download past its time, before
                // the job has run, is gone too (and shredded then).
                let again = try await Self.request(member)
                #expect(try await exports.prepareDue() == 1)
                clock.advance(by: 8 * 86_400)
                let late = try await member.send("GET", "/me/exports/\(again)/download")
                #expect(late.status == 410, "\(late.text)")
                #expect(try await member.send("GET", "/me/exports/\(again)").json["state"] as? String == "expired")
                let audited = try await pool.query("SELECT count(*)::int FROM audit_log WHERE action = 'data-export.expire'").first?.decode(column: 0, as: Int.self)
                #expect(audited == 2)
            }
        }
    }

    @Test func progressIsVisibleFromQueuedToReady() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let member = try await server.signUp(email: "amina@example.org")
                let id = try await Self.request(member)
                let queued = try await member.send("GET", "/me/exports/\(id)")
                #expect(queued.status == 200 && queued.json["state"] as? String == "queued", "\(queued.text)")
                #expect((queued.json["progress"] as? [String: Int])?["percent"] == 0)
                let early = try await member.send("GET", "/me/exports/\(id)/download")
                #expect(early.status == 409 && early.json["type"] as? String == "urn:haven:problem:export-not-ready", "\(early.text)")

                // While it is written, the member sees how far along it is.
                try await database.pool.execute("UPDATE data_exports SET state = 'preparing', started_at = now(), done = 3, total = 12 WHERE id = \(UUID(uuidString: id))")
                let preparing = try await member.send("GET", "/me/exports/\(id)")
                #expect(preparing.json["state"] as? String == "preparing")
                #expect(preparing.json["progress"] as? [String: Int] == ["done": 3, "total": 12, "percent": 25], "\(preparing.text)")
                try await database.pool.execute("UPDATE data_exports SET state = 'queued', started_at = NULL WHERE id = \(UUID(uuidString: id))")

                #expect(try await server.services.exports.prepareDue() == 1)
                let ready = try await member.send("GET", "/me/exports/\(id)")
                let progress = try #require(ready.json["progress"] as? [String: Int], "\(ready.text)")
                #expect(ready.json["state"] as? String == "ready" && progress["percent"] == 100 && progress["done"] == progress["total"])
                #expect((progress["total"] ?? 0) >= 19 && ready.json["download"] as? String == "/me/exports/\(id)/download")
                #expect((ready.json["size"] as? Int ?? 0) > 0)
                let list = try await member.send("GET", "/me/exports")
                #expect((list.json["exports"] as? [[String: Any]])?.map { ($0["id"] as? String)?.lowercased() } == [id])
                // Nothing left to do.
                #expect(try await server.services.exports.prepareDue() == 0)
            }
        }
    }

    @Test func severalWorkersShareThePreparationsAndADeadOneIsTakenUpAgain() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let pool = database.pool
                let exports = server.services.exports
                var ids: [String] = []
                for name in ["amina", "bakari", "chidi", "dalia"] {
                    ids.append(try await Self.request(try await server.signUp(email: "\(name)@example.org")))
                }
                // Two instances at once: every export prepared exactly once.
                async let first = exports.prepareDue()
                async let second = exports.prepareDue()
                let (a, b) = try await (first, second)
                #expect(a + b == 4, "\(a) + \(b)")
                let ready = try await pool.query("SELECT count(*)::int FROM audit_log WHERE action = 'data-export.ready'").first?.decode(column: 0, as: Int.self)
                #expect(ready == 4)

                // An instance died an hour into a preparation, leaving part of an archive: another
                // starts it again from nothing, once the preparation is taken for dead.
                let member = try await server.signUp(email: "eve@example.org")
                let id = try #require(UUID(uuidString: try await Self.request(member)))
                try await pool.execute("UPDATE data_exports SET state = 'preparing', started_at = now() - interval '10 minutes', done = 2, total = 20 WHERE id = \(id)")
                try await pool.execute("INSERT INTO data_export_keys (export_id, key_id, wrapped_key) VALUES (\(id), 'gone', '\\x00')")
                try await pool.execute("INSERT INTO data_export_chunks (export_id, number, sealed) VALUES (\(id), 0, '\\x00')")
                #expect(try await exports.prepareDue() == 0)
                try await pool.execute("UPDATE data_exports SET started_at = now() - interval '2 hours' WHERE id = \(id)")
                #expect(try await exports.prepareDue() == 1)
                let zip = try await member.send("GET", "/me/exports/\(id.uuidString.lowercased())/download")
                #expect(zip.status == 200)
                let entries = try await Self.entries(of: zip.body)
                #expect(try Self.object(entries, "profile.json")["email"] as? String == "eve@example.org")
            }
        }
    }

    @Test func theMemberIsNotifiedAndCannotTurnItOff() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let member = try await server.signUp(email: "amina@example.org")
                let off = try await member.send("PUT", "/me/notification-preferences", json: ["preferences": ["data-export-ready": "off"]])
                #expect(off.status == 422 && off.json["type"] as? String == "urn:haven:problem:security-notification-required", "\(off.text)")
                #expect(try await member.send("PUT", "/me/notification-preferences", json: ["preferences": ["data-export-ready": "email"]]).status == 200)
                let id = try await Self.request(member)
                #expect(try await server.services.exports.prepareDue() == 1)
                let inbox = try await member.send("GET", "/me/notifications")
                let items = (inbox.json["items"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "data-export-ready" }
                #expect(items.count == 1, "\(inbox.text)")
                #expect((items.first?["subject"] as? [String: String])?.mapValues { $0.lowercased() } == ["kind": "export", "id": id])
                // By mail too, as chosen: it says only that the export is ready.
                let mail = try await server.lastMail(to: "amina@example.org", kind: "notification.data-export-ready")
                #expect(mail?.contains("ready") == true, "\(mail ?? "no mail")")
            }
        }
    }

    @Test func requestsAreRateLimitedAndAudited() async throws {
        let clock = TestClock()
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), exports: Self.exports(clock: clock)) { server in
                let pool = database.pool
                let member = try await server.signUp(email: "amina@example.org")
                let id = try await Self.request(member)
                // One in progress at a time.
                let busy = try await member.send("POST", "/me/exports")
                #expect(busy.status == 429 && busy.json["type"] as? String == "urn:haven:problem:rate-limited", "\(busy.text)")
                #expect(Int(busy.header("retry-after") ?? "") ?? 0 > 0)
                #expect(try await server.services.exports.prepareDue() == 1)
                #expect(try await member.send("GET", "/me/exports/\(id)/download").status == 200)
                // One a day.
                clock.advance(by: 3_600)
                let soon = try await member.send("POST", "/me/exports")
                let wait = Int(soon.header("retry-after") ?? "") ?? 0
                #expect(soon.status == 429 && (82_800...82_801).contains(wait), "\(soon.status) \(wait)")
                clock.advance(by: 82_801)
                let next = try await Self.request(member)

                // Asked for, prepared, downloaded: each in the audit log, by id only.
                let rows = try await pool.query(
                    "SELECT action, actor_id, details::text FROM audit_log WHERE target = \("export:\(id.uppercased())") ORDER BY position"
                ).map { try $0.decode((String, UUID?, String).self) }
                let memberID = try await member.accountID()
                #expect(rows.map(\.0) == ["data-export.request", "data-export.ready", "data-export.download"])
                #expect(rows[0].1 == memberID && rows[2].1 == memberID)
                #expect(rows.allSatisfy { !$0.2.contains("@") })
                #expect(try await pool.query("SELECT count(*)::int FROM audit_log WHERE target = \("export:\(next.uppercased())")").first?.decode(column: 0, as: Int.self) == 1)
            }
        }
    }

    @Test func refusedWithoutASessionForOthersAndForBadBodies() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let member = try await server.signUp(email: "amina@example.org")
                let other = try await server.signUp(email: "other@example.org")
                let id = try await Self.request(member)
                #expect(try await server.services.exports.prepareDue() == 1)

                // Not signed in.
                let anonymous = SessionClient(probe: server.client)
                for (method, path) in [("GET", "/me/exports"), ("POST", "/me/exports"), ("GET", "/me/exports/\(id)"), ("GET", "/me/exports/\(id)/download")] {
                    let reply = try await anonymous.send(method, path)
                    #expect(reply.status == 401 && reply.json["type"] as? String == "urn:haven:problem:unauthenticated", "\(method) \(path): \(reply.text)")
                }
                // An API token cannot take the data out.
                let token = try #require(try await member.send("POST", "/me/api-tokens", json: ["name": "t", "scopes": ["read", "write"], "expires_in_days": 1]).json["secret"] as? String)
                let byToken = try await anonymous.send("GET", "/me/exports/\(id)/download", headers: ["Authorization": "Bearer \(token)"])
                #expect(byToken.status == 403 && byToken.json["type"] as? String == "urn:haven:problem:forbidden", "\(byToken.text)")
                // Another member's export does not exist for them, and stays downloadable by its owner.
                for path in ["/me/exports/\(id)", "/me/exports/\(id)/download"] {
                    let reply = try await other.send("GET", path)
                    #expect(reply.status == 404 && reply.json["type"] as? String == "urn:haven:problem:not-found", "\(path): \(reply.text)")
                }
                #expect((try await other.send("GET", "/me/exports").json["exports"] as? [Any])?.isEmpty == true)
                #expect(try await other.send("GET", "/me/exports/not-a-uuid").status == 400)

                // Bodies: an empty object is fine; anything else is refused before anything is queued.
                let malformed = try await other.send("POST", "/me/exports", json: "{\"oops\"")
                #expect(malformed.status == 400 && malformed.json["type"] as? String == "urn:haven:problem:malformed-body", "\(malformed.text)")
                let unknown = try await other.send("POST", "/me/exports", json: ["everything": true])
                #expect(unknown.status == 400 && unknown.json["type"] as? String == "urn:haven:problem:unknown-field", "\(unknown.text)")
                let oversize = try await other.send("POST", "/me/exports", json: "{\"x\": \"" + String(repeating: "a", count: 300 * 1024) + "\"}")
                #expect(oversize.status == 413 && oversize.json["type"] as? String == "urn:haven:problem:payload-too-large", "\(oversize.text)")
                let text = try await other.send("POST", "/me/exports", json: "hello", headers: ["Content-Type": "text/plain"])
                #expect(text.status == 415, "\(text.text)")
                #expect((try await other.send("GET", "/me/exports").json["exports"] as? [Any])?.isEmpty == true)
                let accepted = try await other.send("POST", "/me/exports", json: [String: Any]())
                #expect(accepted.status == 202, "\(accepted.text)")
                #expect(try await member.send("GET", "/me/exports/\(id)/download").status == 200)
            }
        }
    }
}
