import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// Account deletion: asked with the password (and second factor) again, taken back by signing in
/// or cancelling within the grace period, carried out by the purge job after it — leaving nothing
/// of the member anywhere but a pseudonymous id in the audit log.
@Suite struct AccountDeletionTests {
    static let password = "a long and unusual passphrase"
    static let email = "zephyrine.q@example.org"
    static let name = "Zephyrine Quokkabridge"
    /// Well past the default grace period of 7 days.
    static var afterGrace: Date { Date().addingTimeInterval(8 * 86_400) }

    static func configuration(posts: DeletedPostsPolicy = .memberChoice) -> AccountsConfiguration {
        var configuration = lenientAccounts()
        configuration.deletedPosts = posts
        return configuration
    }

    static func expect(_ reply: HTTPProbe.Reply, _ status: Int, _ type: String? = nil, _ label: String) {
        #expect(reply.status == status, "\(label): \(reply.status) \(reply.text)")
        if let type { #expect(reply.json["type"] as? String == "urn:haven:problem:\(type)", "\(label): \(reply.text)") }
    }

    /// Every (table, column) outside the audit log whose value, as text, contains `needle`
    /// (case-insensitive): all tables and columns of the schema, found in the catalogue.
    static func columnsContaining(_ needle: String, pool: PostgresPool) async throws -> [String] {
        let rows = try await pool.query(
            """
            SELECT c.table_name, c.column_name FROM (
                SELECT c.table_name, c.column_name,
                       (xpath('/row/n/text()', query_to_xml(
                           format('SELECT count(*) AS n FROM %I.%I WHERE %I::text ILIKE %L', c.table_schema, c.table_name, c.column_name,
                                  '%' || \(needle) || '%'), false, true, '')))[1]::text::int AS hits
                FROM information_schema.columns c
                JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> 'audit_log'
            ) c WHERE c.hits > 0 ORDER BY 1, 2
            """
        )
        return try rows.map { row in
            let (table, column) = try row.decode((String, String).self)
            return "\(table).\(column)"
        }
    }

    static func tableCount(pool: PostgresPool) async throws -> Int {
        try await pool.query(
            "SELECT count(*)::int FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        ).first?.decode(column: 0, as: Int.self) ?? 0
    }

    static func count(_ query: PostgresQuery, pool: PostgresPool) async throws -> Int {
        try await pool.query(query).first?.decode(column: 0, as: Int.self) ?? -1
    }

    @Test func afterTheGracePeriodNoTableButTheAuditLogKnowsTheMemberAndTheChainStillVerifies() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.configuration(), forums: lenientForums()) { server in
                let pool = database.pool
                let (admin, _) = try await server.administrator()
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let member = try await server.signUp(email: Self.email, name: Self.name)
                let memberID = try await member.accountID()
                let id = memberID.uuidString.lowercased()

                // Their settings: language, directory listing, notification preferences, digest, a follow.
                let category = try await server.category("human-rights")
                #expect(try await member.send("PATCH", "/me", json: ["language": "fr", "directory_visible": true]).status == 200)
                #expect(try await member.send("PUT", "/me/notification-preferences", json: ["preferences": ["reply": "email"]]).status == 200)
                #expect(try await member.send("PUT", "/me/digest", json: ["frequency": "weekly"]).status == 200)
                #expect(try await member.send("PUT", "/forums/categories/\(category)/follow").status < 300)

                // An organisation they proposed and run, approved.
                let proposed = try await member.send("POST", "/organisations", json: ["names": ["en": "Coastal Network"], "country": "KE", "kind": "other"])
                let organisation = try #require(proposed.json["id"] as? String, "\(proposed.text)")
                #expect(try await admin.send("POST", "/organisations/\(organisation)/approve").status == 204)

                // Forums: their topic (Omar replies: a notification for them), their reply in Omar's
                // topic, edited (a revision), a reaction, a bookmark, a flag, read state.
                let mine = try await member.startTopic(in: category, title: "Field safety in the north", body: "How do you keep sources safe?")
                #expect(try await omar.replyIn(mine.topic, "We rotate meeting places.").reply.status == 201)
                let omars = try await omar.startTopic(in: category, title: "Victims' hearings", body: "Who has testified before a panel?")
                let (reply, replied) = try await member.replyIn(omars.topic, "We did, twice, in 2023.")
                #expect(replied.status == 201, "\(replied.text)")
                #expect(try await member.send("PATCH", "/forums/posts/\(reply)", json: ["body": "We did, three times.", "version": 1]).status == 200)
                #expect(try await member.send("PUT", "/forums/posts/\(omars.post)/reactions/like").status < 300)
                #expect(try await member.send("PUT", "/forums/posts/\(omars.post)/bookmark").status < 300)
                #expect(try await member.send("POST", "/forums/posts/\(omars.post)/flags", json: ["reason": "off-topic"]).status < 300)
                #expect(try await member.send("GET", "/forums/topics/\(omars.topic)").status == 200)

                // Documents: one in the platform library, one in their organisation's space.
                let libraryUpload = try await member.uploadRaw(
                    Data("Field notes, to be shredded.\n".utf8), metadata: ["space": "library", "titles": ["en": "Field notes"], "language": "en", "filename": "notes.txt"]
                )
                let library = try #require(UUID(uuidString: libraryUpload.json["id"] as? String ?? ""), "\(libraryUpload.text)")
                let organisationUpload = try await member.uploadRaw(
                    Data("The network's annual report.\n".utf8),
                    metadata: ["space": "organisation", "space_id": organisation, "titles": ["en": "Annual report"], "language": "en", "filename": "report.txt"]
                )
                let owned = try #require(UUID(uuidString: organisationUpload.json["id"] as? String ?? ""), "\(organisationUpload.text)")

                // An event registration and a consultation draft of their organisation's.
                let event = try await admin.send("POST", "/events", json: [
                    "kind": "webinar", "titles": ["en": "Protecting witnesses"], "audience": ["all": true], "time_zone": "Africa/Nairobi",
                    "starts_at": Date().addingTimeInterval(86_400).formatted(.iso8601), "ends_at": Date().addingTimeInterval(90_000).formatted(.iso8601),
                ])
                let eventID = try #require(event.json["id"] as? String, "\(event.text)")
                Self.expect(try await member.send("POST", "/events/\(eventID)/registrations", json: [:] as [String: Any]), 201, nil, "registration")
                let consultation = try await admin.send("POST", "/consultations", json: [
                    "titles": ["en": "Review of the Strategy"], "questions": [["prompts": ["en": "What works?"]]], "audience": ["all": true],
                    "opens_at": Date().addingTimeInterval(-60).formatted(.iso8601), "closes_at": Date().addingTimeInterval(86_400).formatted(.iso8601),
                ])
                let consultationID = try #require(consultation.json["id"] as? String, "\(consultation.text)")
                let draft = try await member.send("PUT", "/consultations/\(consultationID)/contributions/\(organisation)", json: ["answers": ["q1": "Community work."]])
                #expect(draft.status == 200, "\(draft.text)")

                // A group, an API token, another session, a password reset, a notification for staff to see.
                let group = try #require(try await admin.send("POST", "/groups", json: ["name": "Witness support"]).json["id"] as? String)
                #expect(try await admin.send("POST", "/groups/\(group)/members", json: ["account_id": id]).status < 300)
                let token = try #require(try await member.send(
                    "POST", "/me/api-tokens", json: ["name": "phone", "scopes": ["read"], "expires_in_days": 30]
                ).json["secret"] as? String)
                let (otherSession, signedIn) = try await server.signIn(email: Self.email, password: Self.password)
                #expect(signedIn.status == 200)
                #expect(try await SessionClient(probe: server.client).send("POST", "/auth/password-reset", json: ["email": Self.email]).status == 202)

                // A topic in a pseudonymous category (a pseudonym row), and a data export, prepared and not yet downloaded.
                let speakFreely = try await PseudonymousSpaceTests.pseudonymousCategory(admin, slug: "speak-freely")
                _ = try await member.startTopic(in: speakFreely, title: "What I saw", body: "Written under a pseudonym.")
                #expect(try await Self.count("SELECT count(*)::int FROM forum_pseudonyms", pool: pool) == 1)
                #expect(try await member.send("POST", "/me/exports").status == 202)
                #expect(try await server.services.exports.prepareDue() == 1)
                #expect(try await Self.count("SELECT count(*)::int FROM data_exports WHERE state = 'ready'", pool: pool) == 1)

                // Two-factor authentication.
                let enrolment = try await member.send("POST", "/me/two-factor")
                let secret = try #require(enrolment.json["secret"] as? String, "\(enrolment.text)")
                #expect(try await member.send("POST", "/me/two-factor/confirm", json: ["code": server.totp(secret)]).status == 200)

                // Everything is there: the search below has something to miss.
                #expect(try await Self.columnsContaining(Self.email, pool: pool).count >= 3)
                #expect(try await Self.columnsContaining(id, pool: pool).count >= 15)

                // Asking: the password and, with two-factor, a code.
                Self.expect(try await member.send("POST", "/me/deletion", json: ["password": "not my password at all"]), 401, "invalid-credentials", "wrong password")
                Self.expect(try await member.send("POST", "/me/deletion", json: ["password": Self.password]), 401, "second-factor-required", "no code")
                let asked = try await member.send(
                    "POST", "/me/deletion", json: ["password": Self.password, "totp_code": server.totp(secret, offset: 1), "posts": "keep"]
                )
                Self.expect(asked, 202, nil, "asked")
                #expect(asked.json["posts"] as? String == "keep" && asked.json["by_staff"] as? Bool == false)
                #expect(try await member.send("GET", "/me").json["deletion_due_at"] is String)
                // Every other session and every token ends at once; this one goes on until the purge.
                #expect(try await otherSession.send("GET", "/me").status == 401)
                #expect(try await SessionClient(probe: server.client).send("GET", "/me", headers: ["Authorization": "Bearer \(token)"]).status == 401)
                // Throttling counted the wrong password against their (hashed) email.
                #expect(try await Self.count("SELECT count(*)::int FROM auth_throttle WHERE key LIKE 'account:%'", pool: pool) == 1)

                // Before the grace period ends nothing happens; after it, the purge erases the account.
                #expect(try await server.services.accounts.purgeDue(now: Date().addingTimeInterval(6 * 86_400)) == 0)
                #expect(try await server.services.accounts.purgeDue(now: Self.afterGrace) == 1)
                #expect(try await member.send("GET", "/me").status == 401)

                // No table but the audit log holds their email, name or id: searched column by column.
                // Their pseudonym and their export (its sealed archive and its key) went with them.
                #expect(try await Self.count("SELECT count(*)::int FROM forum_pseudonyms", pool: pool) == 0)
                #expect(try await Self.count("SELECT (SELECT count(*) FROM data_exports) + (SELECT count(*) FROM data_export_chunks)::int", pool: pool) == 0)
                #expect(try await Self.tableCount(pool: pool) >= 40)
                for needle in [Self.email, Self.name, "Quokkabridge", id] {
                    let found = try await Self.columnsContaining(needle, pool: pool)
                    #expect(found.isEmpty, "\(needle) still in \(found)")
                }
                #expect(try await Self.count("SELECT count(*)::int FROM auth_throttle WHERE key LIKE 'account:%'", pool: pool) == 0)

                // The audit log keeps the id only, as a pseudonym: no email or name in any row.
                for needle in [Self.email, Self.name, "Quokkabridge", "zephyrine"] {
                    let rows = try await Self.count(
                        """
                        SELECT count(*)::int FROM audit_log
                        WHERE details::text ILIKE '%' || \(needle) || '%' OR target ILIKE '%' || \(needle) || '%' OR action ILIKE '%' || \(needle) || '%'
                        """,
                        pool: pool
                    )
                    #expect(rows == 0, "\(needle) in the audit log")
                }
                let actions = try await pool.query(
                    "SELECT action FROM audit_log WHERE target = \("account:\(memberID)") AND action LIKE 'account.delet%' ORDER BY position"
                ).map { try $0.decode(column: 0, as: String.self) }
                #expect(actions == ["account.deletion-requested", "account.deleted"])
                #expect(try await server.services.audit.verify() == .intact(rows: try await Self.count("SELECT count(*)::int FROM audit_log", pool: pool)))

                // Their library document is shredded: no chunks, no wrapped keys. The organisation's stays, without uploader.
                #expect(try await Self.count("SELECT count(*)::int FROM document_chunks WHERE document_id = \(library)", pool: pool) == 0)
                #expect(try await Self.count("SELECT count(*)::int FROM document_versions WHERE document_id = \(library)", pool: pool) == 0)
                #expect(try await Self.count("SELECT count(*)::int FROM documents WHERE id = \(library)", pool: pool) == 0)
                #expect(try await Self.count("SELECT count(*)::int FROM document_chunks WHERE document_id = \(owned)", pool: pool) > 0)
                #expect(try await Self.count("SELECT count(*)::int FROM documents WHERE id = \(owned) AND uploader_id IS NULL", pool: pool) == 1)
                let report = try await admin.send("GET", "/documents/\(owned.uuidString.lowercased())/content")
                #expect(report.status == 200 && report.text == "The network's annual report.\n", "\(report.status) \(report.text)")

                // Their reply stays, as a former member's; the organisation's contribution stays, without them.
                let kept = try await omar.send("GET", "/forums/posts/\(reply)")
                #expect(kept.status == 200 && kept.json["author_name"] as? String == "Former member", "\(kept.text)")
                #expect(kept.json["author_id"] == nil || kept.json["author_id"] is NSNull)
                #expect(try await Self.count(
                    "SELECT count(*)::int FROM consultation_contributions WHERE organisation_id = \(UUID(uuidString: organisation)) AND updated_by IS NULL",
                    pool: pool
                ) == 1)
            }
        }
    }

    @Test func signingInWithinTheGracePeriodTakesTheRequestBack() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.configuration(), forums: lenientForums()) { server in
                let member = try await server.signUp(email: Self.email, name: Self.name)
                Self.expect(try await member.send("POST", "/me/deletion", json: ["password": Self.password]), 202, nil, "asked")
                Self.expect(try await member.send("POST", "/me/deletion", json: ["password": Self.password]), 409, "state-conflict", "asked twice")
                let (again, reply) = try await server.signIn(email: Self.email, password: Self.password)
                #expect(reply.status == 200 && reply.json["deletion_cancelled"] as? Bool == true, "\(reply.text)")
                #expect(try await again.send("GET", "/me").json["deletion_due_at"] == nil)
                #expect(try await server.services.accounts.purgeDue(now: Self.afterGrace) == 0)
                #expect(try await again.send("GET", "/me").status == 200)
                let (_, later) = try await server.signIn(email: Self.email, password: Self.password)
                #expect(later.json["deletion_cancelled"] as? Bool == false)
                let actions = try await database.pool.query("SELECT action, details->>'by' FROM audit_log WHERE action LIKE 'account.deletion%' ORDER BY position")
                    .map { try $0.decode((String, String?).self) }
                #expect(actions.map(\.0) == ["account.deletion-requested", "account.deletion-cancelled"] && actions.last?.1 == "sign-in")
            }
        }
    }

    @Test func cancellingExplicitlyTakesTheRequestBack() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.configuration(), forums: lenientForums()) { server in
                let member = try await server.signUp(email: Self.email, name: Self.name)
                Self.expect(try await member.send("POST", "/me/deletion", json: ["password": Self.password]), 202, nil, "asked")
                Self.expect(try await member.send("DELETE", "/me/deletion"), 204, nil, "cancelled")
                Self.expect(try await member.send("DELETE", "/me/deletion"), 204, nil, "nothing to cancel")
                #expect(try await server.services.accounts.purgeDue(now: Self.afterGrace) == 0)
                #expect(try await member.send("GET", "/me").status == 200)
                #expect(try await Self.count("SELECT count(*)::int FROM audit_log WHERE action = 'account.deletion-cancelled'", pool: database.pool) == 1)
            }
        }
    }

    @Test func postsAreKeptAsAFormerMembersOrRemovedAsTheInstallationSays() async throws {
        for policy in [DeletedPostsPolicy.keep, .remove] {
            try await TestDatabase.with { database in
                try await TestServer.with(database: database, accounts: Self.configuration(posts: policy), forums: lenientForums()) { server in
                    let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                    let member = try await server.signUp(email: Self.email, name: Self.name)
                    let category = try await server.category("human-rights")
                    let theirs = try await member.startTopic(in: category, title: "Alone in this topic", body: "Nobody answered this.")
                    let omars = try await omar.startTopic(in: category, title: "Safe houses", body: "Where do you meet?")
                    let (reply, _) = try await member.replyIn(omars.topic, "Somewhere discreet and unusual.")
                    // A post only they and the moderators ever saw goes whatever the policy.
                    let (unseen, _) = try await member.replyIn(omars.topic, "An unseen draft.")
                    try await database.pool.execute("UPDATE forum_posts SET state = 'pending' WHERE id = \(UUID(uuidString: unseen))")
                    // Only where members choose may they say.
                    Self.expect(try await member.send("POST", "/me/deletion", json: ["password": Self.password, "posts": "keep"]), 422, "invalid-input", "choice")
                    Self.expect(try await member.send("POST", "/me/deletion", json: ["password": Self.password]), 202, nil, "asked")
                    #expect(try await server.services.accounts.purgeDue(now: Self.afterGrace) == 1)
                    let post = try await omar.send("GET", "/forums/posts/\(reply)")
                    let topic = try await omar.send("GET", "/forums/topics/\(theirs.topic)")
                    let words = try await Self.count("SELECT count(*)::int FROM forum_posts WHERE source LIKE '%discreet%' OR source LIKE '%answered%'", pool: database.pool)
                    switch policy {
                    case .keep:
                        #expect(post.status == 200 && post.json["author_name"] as? String == "Former member", "\(post.text)")
                        #expect(topic.status == 200 && (topic.json["topic"] as? [String: Any])?["author_name"] as? String == "Former member")
                        #expect(words == 2)
                    default:
                        #expect(post.status == 404, "\(post.text)")
                        #expect(topic.status == 404, "\(topic.text)")
                        #expect(words == 0)
                        // Omar's topic keeps its shape: his post and the shell of the removed one.
                        #expect(try await omar.send("GET", "/forums/topics/\(omars.topic)").status == 200)
                    }
                    #expect(try await Self.count("SELECT count(*)::int FROM forum_posts WHERE source LIKE '%unseen%'", pool: database.pool) == 0)
                    #expect(try await Self.count("SELECT count(*)::int FROM forum_posts WHERE author_id IS NULL", pool: database.pool) == 3)
                    if policy == .remove {
                        // The shells go with the other deleted posts, once their retention period is over.
                        let purged = try await server.services.retention.purge(.deletedPosts, now: Date().addingTimeInterval(31 * 86_400))
                        #expect(purged == 3)
                        #expect(try await Self.count("SELECT count(*)::int FROM forum_posts WHERE author_id IS NULL", pool: database.pool) == 0)
                        #expect(try await omar.send("GET", "/forums/topics/\(omars.topic)").status == 200)
                    }
                }
            }
        }
    }

    @Test func administratorsDeleteOtherAccountsButNotTheirOwnNorTheLastAdministrator() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.configuration(), forums: lenientForums()) { server in
                let pool = database.pool
                let (admin, adminSecret) = try await server.administrator()
                let adminID = try await admin.accountID()
                let member = try await server.signUp(email: Self.email, name: Self.name)
                let memberID = try await member.accountID()
                let path = "/accounts/\(memberID.uuidString.lowercased())/deletion"

                // Their own account: not this way. The only administrator: not at all.
                Self.expect(try await admin.send("POST", "/accounts/\(adminID.uuidString.lowercased())/deletion"), 422, "invalid-input", "own account")
                Self.expect(try await admin.send("POST", "/me/deletion", json: ["password": Self.password, "totp_code": "000000"]), 401, "invalid-credentials", "wrong code")
                Self.expect(try await admin.send("DELETE", "/accounts/\(UUID().uuidString.lowercased())/deletion"), 404, "not-found", "nothing to cancel")
                Self.expect(try await admin.send("POST", "/accounts/\(UUID().uuidString.lowercased())/deletion"), 404, "not-found", "nobody")

                // A member's account: disabled at once, so signing in cannot take it back; an administrator can.
                let asked = try await admin.send("POST", path)
                Self.expect(asked, 202, nil, "staff deletion")
                #expect(asked.json["by_staff"] as? Bool == true && asked.json["posts"] as? String == "remove")
                #expect(try await member.send("GET", "/me").status == 401)
                #expect(try await server.signIn(email: Self.email, password: Self.password).reply.status == 401)
                Self.expect(try await member.send("DELETE", "/me/deletion"), 401, nil, "the member cannot cancel")
                Self.expect(try await admin.send("DELETE", path), 204, nil, "staff cancel")
                #expect(try await server.services.accounts.purgeDue(now: Self.afterGrace) == 0)
                #expect(try await admin.send("POST", "/accounts/\(memberID.uuidString.lowercased())/enable").status == 204)
                #expect(try await server.signIn(email: Self.email, password: Self.password).reply.status == 200)

                Self.expect(try await admin.send("POST", path), 202, nil, "staff deletion again")
                #expect(try await server.services.accounts.purgeDue(now: Self.afterGrace) == 1)
                Self.expect(try await admin.send("GET", "/accounts/\(memberID.uuidString.lowercased())"), 404, "not-found", "erased")
                let audited = try await pool.query(
                    "SELECT action, actor_id FROM audit_log WHERE target = \("account:\(memberID)") AND action LIKE 'account.delet%' ORDER BY position"
                ).map { try $0.decode((String, UUID?).self) }
                #expect(audited.map(\.0) == ["account.deletion-requested", "account.deletion-cancelled", "account.deletion-requested", "account.deleted"])
                #expect(audited.map(\.1) == [adminID, adminID, adminID, nil])

                // The only administrator cannot ask for their own deletion; another administrator can be deleted.
                Self.expect(
                    try await admin.send("POST", "/me/deletion", json: ["password": Self.password, "totp_code": server.totp(adminSecret, offset: 1)]),
                    409, "state-conflict", "the last administrator"
                )
                let (second, _) = try await server.staff(email: "admin2@haven.test", role: .administrator)
                let secondID = try await second.accountID()
                Self.expect(try await admin.send("POST", "/accounts/\(secondID.uuidString.lowercased())/deletion"), 202, nil, "another administrator")
                Self.expect(try await second.send("GET", "/me"), 401, nil, "signed out by the deletion")
                #expect(try await server.services.accounts.purgeDue(now: Self.afterGrace) == 1)
                #expect(try await server.services.audit.verify() == .intact(rows: try await Self.count("SELECT count(*)::int FROM audit_log", pool: pool)))
            }
        }
    }

    @Test func theNewRoutesRefuseStrangersAndBadRequests() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: Self.configuration(), forums: lenientForums()) { server in
                let (admin, _) = try await server.administrator()
                let (moderator, _) = try await server.staff(email: "moderator@haven.test", role: .moderator)
                let member = try await server.signUp(email: Self.email, name: Self.name)
                let target = try await member.accountID().uuidString.lowercased()
                let token = try #require(try await member.send(
                    "POST", "/me/api-tokens", json: ["name": "all", "scopes": ["read", "write"], "expires_in_days": 1]
                ).json["secret"] as? String)
                let anonymous = SessionClient(probe: server.client)
                let bearer = ["Authorization": "Bearer \(token)"]

                // Not signed in, or with an API token: sessions only.
                for (method, path) in [("POST", "/me/deletion"), ("DELETE", "/me/deletion"), ("POST", "/accounts/\(target)/deletion"), ("DELETE", "/accounts/\(target)/deletion")] {
                    Self.expect(try await anonymous.send(method, path, json: method == "POST" ? ["password": Self.password] : nil), 401, "unauthenticated", "\(method) \(path) anonymous")
                }
                Self.expect(try await anonymous.send("POST", "/me/deletion", json: ["password": Self.password], headers: bearer), 403, "forbidden", "a token")
                Self.expect(try await anonymous.send("DELETE", "/me/deletion", headers: bearer), 403, "forbidden", "a token cancels")
                // Members and moderators do not delete other accounts.
                for client in [member, moderator] {
                    Self.expect(try await client.send("POST", "/accounts/\(target)/deletion"), 403, "forbidden", "not an administrator")
                    Self.expect(try await client.send("DELETE", "/accounts/\(target)/deletion"), 403, "forbidden", "not an administrator cancels")
                }
                // Malformed, incomplete, unknown, oversize.
                Self.expect(try await member.send("POST", "/me/deletion", json: "{\"password\":"), 400, "malformed-body", "malformed")
                Self.expect(try await member.send("POST", "/me/deletion", json: ["password": Self.password, "why": "x"]), 400, "unknown-field", "unknown field")
                Self.expect(try await member.send("POST", "/me/deletion", json: [:] as [String: Any]), 422, "invalid-input", "no password")
                Self.expect(try await member.send("POST", "/me/deletion", json: ["password": Self.password, "posts": "burn"]), 422, "invalid-input", "posts")
                Self.expect(try await member.send("POST", "/me/deletion", json: ["password": "a\u{0}b"]), 422, "invalid-input", "NUL")
                Self.expect(
                    try await member.send("POST", "/me/deletion", json: ["password": String(repeating: "a", count: 300 * 1_024)]), 413, "payload-too-large", "oversize"
                )
                Self.expect(
                    try await member.send("POST", "/me/deletion", json: "password=x", headers: ["Content-Type": "application/x-www-form-urlencoded"]),
                    415, "unsupported-media-type", "a form"
                )
                Self.expect(try await admin.send("POST", "/accounts/not-a-uuid/deletion"), 400, nil, "not a UUID")
                Self.expect(try await admin.send("DELETE", "/accounts/not-a-uuid/deletion"), 400, nil, "not a UUID cancels")
                // Nothing was asked for.
                #expect(try await Self.count("SELECT count(*)::int FROM account_deletions", pool: database.pool) == 0)
                #expect(try await member.send("GET", "/me").status == 200)
            }
        }
    }
}
