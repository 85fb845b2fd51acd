import Foundation
import HavenAPI
import HavenCore
import HavenTesting
import Logging
import PostgresClient
import Prometheus
import Testing

/// The scheduled purges: with the clock moved forward (`run(now:)`, never a sleep), each removes
/// exactly what its policy says — a row just outside its period goes, one just inside stays —
/// and the metric counts it.
@Suite struct RetentionTests {
    static let day: TimeInterval = 86_400
    /// A minute either side of a limit.
    static let margin: TimeInterval = 60

    /// `days` before `now`, plus `offset` seconds further back (negative: younger).
    static func ago(_ days: Int, _ offset: TimeInterval, from now: Date) -> Date {
        now.addingTimeInterval(-Double(days) * Self.day - offset)
    }

    static func account(_ email: String, pool: PostgresPool) async throws -> UUID {
        try #require(
            try await pool.query(
                "INSERT INTO accounts (email, role, status) VALUES (\(email), 'member', 'active') RETURNING id"
            ).first?.decode(column: 0, as: UUID.self)
        )
    }

    static func count(_ query: PostgresQuery, pool: PostgresPool) async throws -> Int {
        Int(try await pool.query(query).first?.decode(column: 0, as: Int64.self) ?? -1)
    }

    /// `haven_retention_purged_total{policy=…}` after the counts are recorded on a fresh registry.
    static func metric(_ purged: [RetentionPolicy.Kind: Int], services: HavenServices) async -> String {
        let collector = MetricsCollector(registry: PrometheusCollectorRegistry(), services: services, tlsContext: nil, logger: Logger(label: "test"))
        collector.recordRetention(purged)
        return String(decoding: collector.registry.emitToBuffer(), as: UTF8.self)
    }

    @Test func addressesAreClearedAfterAWeekAndThrottlingRecordsDeleted() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database) { server in
                let pool = database.pool
                // Audit entries: the address is outside the hash, so it can go while the entry stays.
                let audit = server.services.audit
                try await audit.record(AuditEvent(actor: nil, action: "test.old", addressPrefix: "198.51.100.0/24"))
                try await audit.record(AuditEvent(actor: nil, action: "test.young", addressPrefix: "203.0.113.0/24"))
                let times = try await pool.query("SELECT occurred_at FROM audit_log ORDER BY position").decode(Date.self)
                #expect(times.count == 2)
                // The clock a week after the midpoint between the two entries.
                let now = times[0].addingTimeInterval(7 * Self.day + times[1].timeIntervalSince(times[0]) / 2)
                let member = try await Self.account("addresses@example.org", pool: pool)
                // A session still open after a week keeps its row and loses its address; a younger one keeps both.
                for (label, created) in [("old", Self.ago(7, Self.margin, from: now)), ("young", Self.ago(7, -Self.margin, from: now))] {
                    try await pool.execute(
                        """
                        INSERT INTO sessions (token_hash, account_id, created_at, last_used_at, authenticated_at, expires_at, user_agent, address_prefix)
                        VALUES (sha256(\(label)::bytea), \(member), \(created), \(created), \(created), \(now.addingTimeInterval(Self.day)), \(label), '192.0.2.0/24')
                        """
                    )
                    try await pool.execute(
                        "INSERT INTO auth_throttle (key, failures, last_failure_at) VALUES (\("source:" + label), 3, \(created))"
                    )
                }
                let retention = server.services.retention
                #expect(retention.policy.addresses == 7, "the default")

                let purged = try await retention.run(now: now)
                #expect(purged[.addresses] == 3, "\(purged)")
                let sessions = try await pool.query("SELECT user_agent, address_prefix FROM sessions ORDER BY user_agent").decode((String, String).self)
                #expect(sessions.map(\.0) == ["old", "young"], "the open session stays")
                #expect(sessions.map(\.1) == ["", "192.0.2.0/24"])
                let throttles = try await pool.query("SELECT key FROM auth_throttle").decode(String.self)
                #expect(throttles == ["source:young"])
                let entries = try await pool.query("SELECT action, address_prefix FROM audit_log WHERE action LIKE 'test.%' ORDER BY position")
                    .decode((String, String).self)
                #expect(entries.map(\.1) == ["", "203.0.113.0/24"])
                let rows = try await Self.count("SELECT count(*) FROM audit_log", pool: pool)
                let verified = try await audit.verify()
                #expect(verified == .intact(rows: rows))
                #expect(await Self.metric(purged, services: server.services).contains(#"haven_retention_purged_total{policy="addresses"} 3"#))
            }
        }
    }

    @Test func sessionsTokensNotificationsAndMailGoAfterTheirPeriods() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database) { server in
                let pool = database.pool
                let now = Date()
                let member = try await Self.account("periods@example.org", pool: pool)
                let staff = try await Self.account("staff@example.org", pool: pool)
                let other = try await Self.account("staff2@example.org", pool: pool)
                let policy = server.services.retention.policy
                let (sessions, tokens, notifications, mail) = (policy.sessions ?? 0, policy.tokens ?? 0, policy.notifications ?? 0, policy.sentMail ?? 0)
                let defaults: [Int] = [sessions, tokens, notifications, mail]
                #expect(defaults == [180, 7, 180, 30], "the defaults")
                for (label, offset) in [("out", Self.margin), ("in", -Self.margin)] {
                    let ended = Self.ago(sessions, offset, from: now)
                    // Expired, and revoked (before its expiry).
                    try await pool.execute(
                        """
                        INSERT INTO sessions (token_hash, account_id, created_at, expires_at, user_agent)
                        VALUES (sha256(\("expired-" + label)::bytea), \(member), \(ended.addingTimeInterval(-3_600)), \(ended), \("expired-" + label))
                        """
                    )
                    try await pool.execute(
                        """
                        INSERT INTO sessions (token_hash, account_id, created_at, expires_at, revoked_at, user_agent)
                        VALUES (sha256(\("revoked-" + label)::bytea), \(member), \(ended.addingTimeInterval(-3_600)), \(now.addingTimeInterval(3_600)),
                                \(ended), \("revoked-" + label))
                        """
                    )
                    let used = Self.ago(tokens, offset, from: now)
                    try await pool.execute(
                        """
                        INSERT INTO invitations (token_hash, email, role, created_at, expires_at, accepted_at)
                        VALUES (sha256(\("accepted-" + label)::bytea), \("accepted-" + label + "@example.org"), 'member', \(used), \(now.addingTimeInterval(Self.day)), \(used))
                        """
                    )
                    try await pool.execute(
                        """
                        INSERT INTO invitations (token_hash, email, role, created_at, expires_at)
                        VALUES (sha256(\("expired-" + label)::bytea), \("expired-" + label + "@example.org"), 'member', \(used.addingTimeInterval(-Self.day)), \(used))
                        """
                    )
                    try await pool.execute(
                        """
                        INSERT INTO password_resets (token_hash, account_id, created_at, expires_at, used_at)
                        VALUES (sha256(\("reset-" + label)::bytea), \(member), \(used), \(now.addingTimeInterval(Self.day)), \(used))
                        """
                    )
                    try await pool.execute(
                        """
                        INSERT INTO two_factor_resets (account_id, requested_by, requested_at, approved_by, approved_at)
                        VALUES (\(member), \(staff), \(used), \(other), \(used))
                        """
                    )
                    try await pool.execute(
                        "INSERT INTO recovery_codes (account_id, code_hash, used_at) VALUES (\(member), sha256(\("code-" + label)::bytea), \(used))"
                    )
                    try await pool.execute(
                        "INSERT INTO notifications (account_id, kind, created_at) VALUES (\(member), 'reply', \(Self.ago(notifications, offset, from: now)))"
                    )
                    let sent = Self.ago(mail, offset, from: now)
                    try await pool.execute(
                        "INSERT INTO mail_outbox (recipient, kind, subject, body, created_at, sent_at) VALUES (\("sent-" + label), 'test', 's', 'b', \(sent), \(sent))"
                    )
                    try await pool.execute(
                        """
                        INSERT INTO mail_outbox (recipient, kind, subject, body, created_at, dead_at)
                        VALUES (\("dead-" + label), 'test', 's', 'b', \(sent), \(sent))
                        """
                    )
                }
                // A pending second-factor reset waits for its second administrator, however old.
                try await pool.execute(
                    "INSERT INTO two_factor_resets (account_id, requested_by, requested_at) VALUES (\(member), \(staff), \(Self.ago(400, 0, from: now)))"
                )
                // An unused recovery code stays, however old its set.
                try await pool.execute("INSERT INTO recovery_codes (account_id, code_hash) VALUES (\(member), sha256('unused'::bytea))")
                // Mail still waiting to go out stays, however old.
                try await pool.execute(
                    "INSERT INTO mail_outbox (recipient, kind, subject, body, created_at) VALUES ('waiting', 'test', 's', 'b', \(Self.ago(400, 0, from: now)))"
                )

                let purged = try await server.services.retention.run(now: now)
                #expect(purged[.sessions] == 2, "\(purged)")
                #expect(purged[.tokens] == 5, "\(purged)")
                #expect(purged[.notifications] == 1, "\(purged)")
                #expect(purged[.sentMail] == 2, "\(purged)")
                let remainingSessions = try await pool.query("SELECT user_agent FROM sessions ORDER BY user_agent").decode(String.self)
                #expect(remainingSessions == ["expired-in", "revoked-in"])
                let invitations = try await pool.query("SELECT email FROM invitations ORDER BY email").decode(String.self)
                #expect(invitations == ["accepted-in@example.org", "expired-in@example.org"])
                #expect(try await Self.count("SELECT count(*) FROM password_resets", pool: pool) == 1)
                #expect(try await Self.count("SELECT count(*) FROM two_factor_resets WHERE approved_at IS NOT NULL", pool: pool) == 1)
                #expect(try await Self.count("SELECT count(*) FROM two_factor_resets WHERE approved_at IS NULL", pool: pool) == 1)
                #expect(try await Self.count("SELECT count(*) FROM recovery_codes", pool: pool) == 2, "the young used code and the unused one")
                #expect(try await Self.count("SELECT count(*) FROM notifications", pool: pool) == 1)
                let outbox = try await pool.query("SELECT recipient FROM mail_outbox ORDER BY recipient").decode(String.self)
                #expect(outbox == ["dead-in", "sent-in", "waiting"])
                let metrics = await Self.metric(purged, services: server.services)
                for line in [#"policy="sessions"} 2"#, #"policy="tokens"} 5"#, #"policy="notifications"} 1"#, #"policy="sent-mail"} 2"#] {
                    #expect(metrics.contains("haven_retention_purged_total{" + line), "\(line) in \(metrics)")
                }
                // A second run finds nothing more.
                let again = try await server.services.retention.run(now: now)
                #expect(again.values.allSatisfy { $0 == 0 }, "\(again)")
            }
        }
    }

    /// A topic with posts straight in the database: (topic, [post ids]) in order.
    static func topic(
        in category: UUID, author: UUID, created: [Date], state: String = "published", pool: PostgresPool
    ) async throws -> (UUID, [UUID]) {
        let topic = try #require(
            try await pool.query(
                """
                INSERT INTO forum_topics (category_id, author_id, title, language, state, created_at)
                VALUES (\(category), \(author), 'A topic', 'en', \(state), \(created[0])) RETURNING id
                """
            ).first?.decode(column: 0, as: UUID.self)
        )
        var posts: [UUID] = []
        for (index, time) in created.enumerated() {
            let post = try #require(
                try await pool.query(
                    """
                    INSERT INTO forum_posts (topic_id, category_id, author_id, is_first, language, source, html, state, created_at, search_vector)
                    VALUES (\(topic), \(category), \(author), \(index == 0), 'en', 'Text', '<p>Text</p>', 'published', \(time), ''::tsvector)
                    RETURNING id
                    """
                ).first?.decode(column: 0, as: UUID.self)
            )
            posts.append(post)
        }
        try await pool.execute("UPDATE forum_topics SET reply_count = \(Int32(created.count - 1)) WHERE id = \(topic)")
        return (topic, posts)
    }

    static func category(_ slug: String, pool: PostgresPool) async throws -> UUID {
        try #require(try await pool.query("SELECT id FROM forum_categories WHERE slug = \(slug)").first?.decode(column: 0, as: UUID.self))
    }

    @Test func deletedPostsAndDocumentsGoThirtyDaysAfterDeletion() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database) { server in
                let pool = database.pool
                let now = Date()
                let author = try await Self.account("author@example.org", pool: pool)
                let category = try await Self.category("human-rights", pool: pool)
                let long = Self.ago(60, 0, from: now)
                let (outside, inside) = (Self.ago(30, Self.margin, from: now), Self.ago(30, -Self.margin, from: now))
                // A topic deleted (with its first post) just over 30 days ago goes whole, its reply too.
                let (gone, goneP) = try await Self.topic(in: category, author: author, created: [long, long], state: "deleted", pool: pool)
                try await pool.execute("UPDATE forum_posts SET state = 'deleted', moderated_at = \(outside) WHERE id = \(goneP[0])")
                // One deleted just under 30 days ago stays.
                let (kept, keptP) = try await Self.topic(in: category, author: author, created: [long], state: "deleted", pool: pool)
                try await pool.execute("UPDATE forum_posts SET state = 'deleted', moderated_at = \(inside) WHERE id = \(keptP[0])")
                // In a live topic, the reply deleted just over 30 days ago goes, with its reaction,
                // revision, flag and bookmark; the one deleted just under stays.
                let (live, liveP) = try await Self.topic(in: category, author: author, created: [long, long, long], pool: pool)
                try await pool.execute("UPDATE forum_posts SET state = 'deleted', moderated_at = \(outside) WHERE id = \(liveP[1])")
                try await pool.execute("UPDATE forum_posts SET state = 'deleted', moderated_at = \(inside) WHERE id = \(liveP[2])")
                try await pool.execute("INSERT INTO forum_reactions (post_id, account_id, kind) VALUES (\(liveP[1]), \(author), 'like')")
                try await pool.execute(
                    "INSERT INTO forum_post_revisions (post_id, version, source, written_by, written_at) VALUES (\(liveP[1]), 1, 'Old', \(author), \(long))"
                )
                try await pool.execute("INSERT INTO forum_flags (post_id, flagged_by, reason) VALUES (\(liveP[1]), \(author), 'spam')")
                try await pool.execute("INSERT INTO forum_bookmarks (account_id, post_id) VALUES (\(author), \(liveP[1]))")

                // Documents: one deleted just over 30 days ago is shredded, one just under stays.
                var documents: [UUID] = []
                for deleted in [outside, inside] {
                    let document = try #require(
                        try await pool.query(
                            """
                            INSERT INTO documents (space_kind, titles, language, uploader_id, deleted_at, search_vector)
                            VALUES ('library', '{"en": "A document"}', 'en', \(author), \(deleted), ''::tsvector) RETURNING id
                            """
                        ).first?.decode(column: 0, as: UUID.self)
                    )
                    try await pool.execute(
                        """
                        INSERT INTO document_versions (document_id, version, state, filename, type, media_type, size, sha256, chunk_size,
                            chunk_count, key_id, wrapped_key, uploaded_by)
                        VALUES (\(document), 1, 'approved', 'a.txt', 'text', 'text/plain', 4, sha256('text'::bytea), 262144, 1, 'k', '\\x00'::bytea, \(author))
                        """
                    )
                    documents.append(document)
                }

                let purged = try await server.services.retention.run(now: now)
                #expect(purged[.deletedPosts] == 3, "\(purged)")
                #expect(purged[.deletedDocuments] == 1, "\(purged)")
                let topics = try await pool.query("SELECT id FROM forum_topics WHERE id = ANY(\([gone, kept, live]))").decode(UUID.self)
                #expect(Set(topics) == [kept, live])
                let posts = try await pool.query("SELECT id FROM forum_posts WHERE topic_id = ANY(\([gone, kept, live]))").decode(UUID.self)
                #expect(Set(posts) == Set(keptP + [liveP[0], liveP[2]]))
                for table in ["forum_reactions", "forum_post_revisions", "forum_flags", "forum_bookmarks"] {
                    let left = try await Self.count(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), pool: pool)
                    #expect(left == 0, "\(table)")
                }
                let remaining = try await pool.query("SELECT document_id FROM document_versions").decode(UUID.self)
                #expect(remaining == [documents[1]])
                let metrics = await Self.metric(purged, services: server.services)
                #expect(metrics.contains(#"haven_retention_purged_total{policy="deleted-posts"} 3"#))
                #expect(metrics.contains(#"haven_retention_purged_total{policy="deleted-documents"} 1"#))
            }
        }
    }

    @Test func auditPurgeLeavesASignedCheckpointThatVerifyChecks() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database) { server in
                let pool = database.pool
                let audit = server.services.audit
                for index in 0..<5 { try await audit.record(AuditEvent(actor: nil, action: "test.event", target: "item:\(index)")) }
                let times = try await pool.query("SELECT occurred_at FROM audit_log ORDER BY position").decode(Date.self)
                // Two years (730 days) after the midpoint between rows 3 and 4.
                let now = times[2].addingTimeInterval(730 * Self.day + times[3].timeIntervalSince(times[2]) / 2)
                let purged = try await server.services.retention.run(now: now)
                #expect(purged[.audit] == 3, "\(purged)")
                let kept = try await pool.query("SELECT position FROM audit_log ORDER BY position").decode(Int.self)
                #expect(Array(kept.prefix(2)) == [4, 5], "rows 4 and 5 stay (and the purge's own entry follows)")
                let verified = try await audit.verify()
                #expect(verified == .intact(rows: kept.count))
                #expect(await Self.metric(purged, services: server.services).contains(#"haven_retention_purged_total{policy="audit"} 3"#))

                // Without the secret, or with another, the checkpoint does not verify.
                guard case .broken(3, _) = try await AuditLog(pool: pool).verify() else { Issue.record("no secret"); return }
                guard case .broken(3, _) = try await AuditLog(pool: pool, secret: .generate()).verify() else { Issue.record("another secret"); return }

                // A superuser forging the checkpoint (to cover removed rows) breaks its signature.
                try await pool.withConnection { connection in
                    try await connection.executeScript("SET session_replication_role = replica")
                    try await connection.execute("UPDATE audit_checkpoints SET occurred_at = occurred_at + interval '1 second'")
                    try await connection.executeScript("SET session_replication_role = DEFAULT")
                }
                #expect(try await audit.verify() == .broken(position: 3, reason: "its checkpoint's signature does not match"))
                // Removing it leaves rows 1–3 unaccounted for.
                try await pool.withConnection { connection in
                    try await connection.executeScript("SET session_replication_role = replica")
                    try await connection.execute("DELETE FROM audit_checkpoints")
                    try await connection.executeScript("SET session_replication_role = DEFAULT")
                }
                guard case .broken(4, let reason) = try await audit.verify() else { Issue.record("a removed checkpoint must break the chain"); return }
                #expect(reason.contains("no checkpoint"))
            }
        }
    }

    @Test func theApplicationCannotChangeCheckpoints() async throws {
        try await TestDatabase.with { database in
            let audit = AuditLog(pool: database.pool, secret: TestServices.secret)
            for index in 0..<3 { try await audit.record(AuditEvent(actor: nil, action: "test.event", target: "item:\(index)")) }
            #expect(try await audit.purge(before: Date().addingTimeInterval(60)) == 3)
            for statement: PostgresQuery in ["UPDATE audit_checkpoints SET position = 1", "DELETE FROM audit_checkpoints", "TRUNCATE audit_checkpoints"] {
                await #expect {
                    try await database.pool.execute(statement)
                } throws: { error in
                    (error as? PostgresError)?.sqlState == SQLState("42501")
                }
            }
            // Every row gone: the head matches the checkpoint.
            #expect(try await audit.verify() == .intact(rows: 0))
            try await audit.record(AuditEvent(actor: nil, action: "test.after"))
            #expect(try await audit.verify() == .intact(rows: 1))
        }
    }

    @Test func categoryRetentionRemovesOldPostsInThatCategoryOnly() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let pool = database.pool
                let (admin, _) = try await server.administrator()
                let member = try await server.signUp(email: "reader@example.org")
                let anonymous = SessionClient(probe: server.client)
                let short = try await Self.category("victims-of-terrorism", pool: pool)
                let other = try await Self.category("human-rights", pool: pool)
                let path = "/forums/categories/\(short)/retention"
                func expect(_ reply: HTTPProbe.Reply, _ status: Int, _ type: String, _ label: String) {
                    #expect(reply.status == status && reply.json["type"] as? String == "urn:haven:problem:\(type)", "\(label): \(reply.status) \(reply.text)")
                }
                expect(try await anonymous.send("PUT", path, json: ["days": 90]), 401, "unauthenticated", "anonymous")
                expect(try await member.send("PUT", path, json: ["days": 90]), 403, "forbidden", "member")
                expect(try await member.send("DELETE", path), 403, "forbidden", "member clearing")
                expect(try await admin.send("PUT", path, json: ["days": 0]), 422, "invalid-input", "zero days")
                expect(try await admin.send("PUT", path, json: ["days": "ninety"]), 422, "invalid-input", "not a number")
                expect(try await admin.send("PUT", path, json: ["days": 90, "posts": true]), 400, "unknown-field", "unknown field")
                expect(try await admin.send("PUT", path, json: ["days": 90, "note": String(repeating: "a", count: 10 * 1_024 * 1_024)]), 413, "payload-too-large", "10 MB")
                expect(try await admin.send("PUT", "/forums/categories/\(UUID())/retention", json: ["days": 90]), 404, "not-found", "no such category")
                expect(try await member.send("GET", path), 403, "forbidden", "member reading")
                let unset = try await admin.send("GET", path)
                #expect(unset.status == 200 && unset.json["days"] == nil, "\(unset.text)")
                let set = try await admin.send("PUT", path, json: ["days": 90])
                #expect(set.status == 200 && set.json["days"] as? Int == 90, "\(set.text)")
                #expect(try await admin.send("GET", path).json["days"] as? Int == 90)
                #expect(try await Self.count("SELECT count(*) FROM audit_log WHERE action = 'forum.category-retention'", pool: pool) == 1)

                let now = Date()
                let author = try await member.accountID()
                let (outside, inside) = (Self.ago(90, Self.margin, from: now), Self.ago(90, -Self.margin, from: now))
                // A topic whose every post is older than 90 days goes whole.
                let (oldTopic, _) = try await Self.topic(in: short, author: author, created: [outside, outside], pool: pool)
                // A living topic keeps its first post and young reply, and loses its old reply.
                let (liveTopic, liveP) = try await Self.topic(in: short, author: author, created: [outside, outside, inside], pool: pool)
                try await pool.execute("INSERT INTO forum_reactions (post_id, account_id, kind) VALUES (\(liveP[1]), \(author), 'like')")
                // Just inside: stays.
                let (youngTopic, _) = try await Self.topic(in: short, author: author, created: [inside], pool: pool)
                // Another category keeps everything.
                let (elsewhere, elsewhereP) = try await Self.topic(in: other, author: author, created: [outside, outside], pool: pool)

                let purged = try await server.services.retention.run(now: now)
                #expect(purged[.categoryPosts] == 3, "\(purged)")
                let topics = try await pool.query("SELECT id FROM forum_topics WHERE id = ANY(\([oldTopic, liveTopic, youngTopic, elsewhere]))")
                    .decode(UUID.self)
                #expect(Set(topics) == [liveTopic, youngTopic, elsewhere])
                let livePosts = try await pool.query("SELECT id FROM forum_posts WHERE topic_id = \(liveTopic)").decode(UUID.self)
                #expect(Set(livePosts) == [liveP[0], liveP[2]])
                #expect(try await Self.count("SELECT count(*) FROM forum_posts WHERE topic_id = \(elsewhere)", pool: pool) == elsewhereP.count)
                #expect(try await Self.count("SELECT reply_count::bigint FROM forum_topics WHERE id = \(liveTopic)", pool: pool) == 1)
                #expect(try await Self.count("SELECT count(*) FROM forum_reactions", pool: pool) == 0)
                #expect(await Self.metric(purged, services: server.services).contains(#"haven_retention_purged_total{policy="category-posts"} 3"#))

                // Cleared: nothing more goes.
                #expect(try await admin.send("DELETE", path).status == 204)
                #expect(try await admin.send("GET", path).json["days"] == nil)
                let again = try await server.services.retention.run(now: now.addingTimeInterval(365 * Self.day))
                #expect(again[.categoryPosts] == 0)
            }
        }
    }

    @Test func thePrivacyNoticeIsPublicAndFollowsTheConfiguration() async throws {
        try await TestDatabase.with { database in
            let defaults = try await TestServer.with(database: database) { server in
                try await SessionClient(probe: server.client).send("GET", "/privacy")
            }
            #expect(defaults.status == 200, "\(defaults.text)")
            #expect(defaults.header("Content-Type") == "application/json")
            var policy = RetentionPolicy()
            policy.addresses = 3
            policy.notifications = nil
            policy.audit = 365
            var accounts = AccountsConfiguration()
            accounts.deletionGracePeriod = .seconds(14 * 86_400)
            accounts.deletedPosts = .keep
            let changed = try await TestServer.with(database: database, accounts: accounts, retention: policy) { server in
                try await SessionClient(probe: server.client).send("GET", "/privacy")
            }
            func items(_ reply: HTTPProbe.Reply) -> [String: [String: Any]] {
                let list = reply.json["items"] as? [[String: Any]] ?? []
                return Dictionary(list.map { ($0["id"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
            }
            let (before, after) = (items(defaults), items(changed))
            #expect(Set(before.keys) == ["account", "account-deletion", "pseudonyms", "two-factor", "addresses", "sessions", "tokens", "notifications", "sent-mail", "posts", "documents", "events", "consultations", "data-exports", "audit"])
            #expect(before["data-exports"]?["retention_days"] as? Int == 7)
            #expect(before["addresses"]?["retention_days"] as? Int == 7)
            #expect(after["addresses"]?["retention_days"] as? Int == 3)
            #expect((after["addresses"]?["retention"] as? String)?.hasPrefix("3 days") == true)
            #expect(before["notifications"]?["retention_days"] as? Int == 180)
            #expect(after["notifications"]?["retention_days"] == nil)
            #expect(before["audit"]?["retention_days"] as? Int == 730)
            // Account deletion: the grace period and what becomes of posts, as configured.
            #expect(before["account-deletion"]?["retention_days"] as? Int == 7)
            #expect((before["account-deletion"]?["retention"] as? String)?.contains("if you choose so") == true)
            #expect(after["account-deletion"]?["retention_days"] as? Int == 14)
            #expect((after["account-deletion"]?["retention"] as? String)?.contains("your posts stay") == true)
            #expect(after["audit"]?["retention_days"] as? Int == 365)
            for item in before.values {
                #expect(!(item["stored"] as? String ?? "").isEmpty && !(item["purpose"] as? String ?? "").isEmpty && !(item["retention"] as? String ?? "").isEmpty)
            }
        }
    }
}
