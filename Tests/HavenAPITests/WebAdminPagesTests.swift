import Foundation
import HavenAPI
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// Administration in the browser: administrators only; accounts disabled (their sessions end)
/// and enabled again, roles, invitations by mail, the audit log's filters and the outbox.
@Suite struct WebAdminPagesTests {
    static func browser(_ server: TestServer, _ email: String) async throws -> WebClient {
        try await WebModerationPagesTests.browser(server, email)
    }

    static func id(of email: String, _ server: TestServer) async throws -> String {
        let id = try await server.services.pool.query("SELECT id FROM accounts WHERE email = \(email)").first?.decode(column: 0, as: UUID.self)
        return try #require(id).uuidString.lowercased()
    }

    @Test func membersAndModeratorsAreRefusedEveryAdministrationPage() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: WebModerationPagesTests.accounts()) { server in
                _ = try await server.signUp(email: "admin@haven.test", role: .administrator)
                _ = try await server.signUp(email: "moderator@haven.test", role: .moderator)
                _ = try await server.signUp(email: "amina@example.org")
                let adminID = try await Self.id(of: "admin@haven.test", server)
                let pages = ["/web/admin", "/web/admin/accounts", "/web/admin/accounts/\(adminID)", "/web/admin/invitations", "/web/admin/audit", "/web/admin/outbox"]
                for email in ["moderator@haven.test", "amina@example.org"] {
                    let web = try await Self.browser(server, email)
                    for path in pages { #expect(try await web.get(path).status == 403, "\(email) \(path)") }
                    let home = try await web.get("/web/")
                    #expect(!home.text.contains("href=\"/web/admin\""))
                    #expect(try await web.submit("/web/admin/accounts/\(adminID)/disable", [], from: home).status == 403)
                    #expect(try await web.submit("/web/admin/invitations", [("email", "x@example.org"), ("role", "administrator")], from: home).status == 403)
                }
                let admin = try await Self.browser(server, "admin@haven.test")
                for path in pages { #expect(try await admin.get(path).status == 200, "\(path)") }
                let index = try await admin.get("/web/admin")
                #expect(index.text.contains("href=\"/web/admin\"") && index.text.contains("href=\"/web/moderation\""))
                #expect(index.text.contains("href=\"/web/admin/accounts\"") && index.text.contains("href=\"/web/admin/audit\""))
            }
        }
    }

    @Test func disablingAnAccountEndsItsSessionsAndEnablingLetsItSignInAgain() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: WebModerationPagesTests.accounts()) { server in
                _ = try await server.signUp(email: "admin@haven.test", role: .administrator)
                _ = try await server.signUp(email: "amina@example.org", name: "Amina Example")
                let amina = try await Self.browser(server, "amina@example.org")
                #expect(try await amina.get("/web/").status == 200)
                let aminaID = try await Self.id(of: "amina@example.org", server)

                let admin = try await Self.browser(server, "admin@haven.test")
                let list = try await admin.get("/web/admin/accounts?q=AMINA%40")
                #expect(list.status == 200)
                #expect(list.text.contains("id=\"q\"") && list.text.contains("href=\"/web/admin/accounts/\(aminaID)\""))
                #expect(!list.text.contains("admin@haven.test"), "the search narrows the list")
                let byName = try await admin.get("/web/admin/accounts?q=Amina+Example&role=&status=")
                #expect(byName.status == 200 && byName.text.contains("amina@example.org"), "a GET form's + is a space")
                #expect(try await admin.get("/web/admin/accounts?role=owner").status == 422)
                #expect(try await admin.get("/web/admin/accounts?status=asleep").status == 422)
                let moderators = try await admin.get("/web/admin/accounts?role=administrator")
                #expect(moderators.text.contains("admin@haven.test") && !moderators.text.contains("amina@example.org"))

                let page = try await admin.get("/web/admin/accounts/\(aminaID)")
                #expect(page.status == 200)
                #expect(page.text.contains("amina@example.org") && page.text.contains("Amina Example"))
                #expect(!page.text.contains("<title>Amina") && !page.text.contains("<title>amina"), "no name in the title")
                #expect(page.text.contains("action=\"/web/admin/accounts/\(aminaID)/disable\""))
                #expect(try await admin.get("/web/admin/accounts/\(UUID().uuidString)").status == 404)

                let disabled = try await admin.submit("/web/admin/accounts/\(aminaID)/disable", [], from: page)
                #expect(disabled.status == 303, "\(disabled.text)")
                #expect(disabled.header("Location") == "/web/admin/accounts/\(aminaID)?done=account-disabled")
                let shown = try await admin.get("/web/admin/accounts/\(aminaID)?done=account-disabled")
                #expect(shown.text.contains("action=\"/web/admin/accounts/\(aminaID)/enable\""))
                // Her browser is sent to sign in, and her password no longer opens a session.
                let sent = try await amina.get("/web/")
                #expect(sent.status == 303)
                #expect(sent.header("Location")?.hasPrefix("/web/sign-in") == true)
                let refused = try await WebClient(probe: server.client).fill(
                    "/web/sign-in", submitTo: "/web/sign-in", [("email", "amina@example.org"), ("password", WebModerationPagesTests.password)]
                )
                #expect(refused.status != 303)

                let enabled = try await admin.submit("/web/admin/accounts/\(aminaID)/enable", [], from: shown)
                #expect(enabled.header("Location") == "/web/admin/accounts/\(aminaID)?done=account-enabled")
                _ = try await Self.browser(server, "amina@example.org")

                // HavenCore's refusals come back as pages, never as 500.
                let adminID = try await Self.id(of: "admin@haven.test", server)
                let own = try await admin.submit("/web/admin/accounts/\(adminID)/disable", [], from: page)
                #expect(own.status == 422, "\(own.status)")
                #expect(try await admin.submit("/web/admin/accounts/\(UUID().uuidString)/disable", [], from: page).status == 404)
                #expect(try await admin.submit("/web/admin/accounts/\(aminaID)/enable", [], from: page).status == 404, "already enabled")
                // A sign-in older than the re-authentication window: the password again, then back
                // to the page the form was on, where the action now goes through.
                try await server.services.pool.execute("UPDATE sessions SET authenticated_at = now() - interval '1 hour'")
                let from = "/web/admin/accounts/\(aminaID)"
                let stale = try await admin.submit(
                    "/web/admin/accounts/\(aminaID)/disable", [], from: page, headers: ["Referer": server.baseURL.absoluteString + from]
                )
                #expect(stale.status == 303)
                let reauthenticate = try #require(stale.header("Location"))
                #expect(reauthenticate == "/web/reauthenticate?next=%2Fweb%2Fadmin%2Faccounts%2F\(aminaID)")
                let form = try await admin.get(reauthenticate)
                #expect(form.text.contains("autocomplete=\"current-password\""))
                let wrong = try await admin.submit("/web/reauthenticate", [("password", "not it"), ("next", from)], from: form)
                #expect(wrong.status == 401)
                let confirmed = try await admin.submit("/web/reauthenticate", [("password", WebModerationPagesTests.password), ("next", from)], from: form)
                #expect(confirmed.status == 303)
                #expect(confirmed.header("Location") == from)
                let done = try await admin.submit("/web/admin/accounts/\(aminaID)/disable", [], from: page)
                #expect(done.header("Location") == "/web/admin/accounts/\(aminaID)?done=account-disabled")
            }
        }
    }

    @Test func aRoleIsChangedFromTheAccountPageAndAnUnknownRoleIsRefused() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: WebModerationPagesTests.accounts()) { server in
                _ = try await server.signUp(email: "admin@haven.test", role: .administrator)
                _ = try await server.signUp(email: "amina@example.org")
                let aminaID = try await Self.id(of: "amina@example.org", server)
                let admin = try await Self.browser(server, "admin@haven.test")
                let page = try await admin.get("/web/admin/accounts/\(aminaID)")
                let unknown = try await admin.submit("/web/admin/accounts/\(aminaID)/role", [("role", "owner")], from: page)
                #expect(unknown.status == 422)
                #expect(unknown.text.contains("Choose one of the roles listed."))
                let changed = try await admin.submit("/web/admin/accounts/\(aminaID)/role", [("role", "moderator")], from: page)
                #expect(changed.header("Location") == "/web/admin/accounts/\(aminaID)?done=role-changed")
                let role = try await server.services.pool.query("SELECT role FROM accounts WHERE email = 'amina@example.org'").first?.decode(column: 0, as: String.self)
                #expect(role == "moderator")
            }
        }
    }

    @Test func anInvitationSentFromThePageGoesOutByMail() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: WebModerationPagesTests.accounts()) { server in
                _ = try await server.signUp(email: "admin@haven.test", role: .administrator)
                let admin = try await Self.browser(server, "admin@haven.test")
                let form = try await admin.get("/web/admin/invitations")
                #expect(form.status == 200)
                #expect(form.text.contains("<label for=\"email\">") && form.text.contains("<label for=\"role\">"))

                let badEmail = try await admin.submit("/web/admin/invitations", [("email", "not an address"), ("role", "member")], from: form)
                #expect(badEmail.status == 422)
                #expect(badEmail.text.contains("The email address is not valid."))
                let badRole = try await admin.submit("/web/admin/invitations", [("email", "new@example.org"), ("role", "owner")], from: form)
                #expect(badRole.status == 422)
                let taken = try await admin.submit("/web/admin/invitations", [("email", "admin@haven.test"), ("role", "member")], from: form)
                #expect(taken.status == 409)

                let sent = try await admin.submit("/web/admin/invitations", [("email", "new@example.org"), ("role", "moderator")], from: form)
                #expect(sent.status == 303, "\(sent.text)")
                #expect(sent.header("Location") == "/web/admin/invitations?done=invitation-sent")
                let mails = try await server.services.pool.query("SELECT kind FROM mail_outbox WHERE recipient = 'new@example.org'")
                    .map { try $0.decode(column: 0, as: String.self) }
                #expect(mails.count == 1)
                let listed = try await admin.get("/web/admin/invitations?done=invitation-sent")
                #expect(listed.text.contains("new@example.org") && listed.text.contains("The invitation is sent by mail."))

                // The outbox shows it without its text, its recipient masked.
                let outbox = try await admin.get("/web/admin/outbox")
                #expect(outbox.status == 200)
                #expect(outbox.text.contains("n…@example.org"))
                #expect(!outbox.text.contains("new@example.org"))
                #expect(outbox.text.contains(try #require(mails.first)))
                let body = try #require(try await server.services.pool.query("SELECT body FROM mail_outbox WHERE recipient = 'new@example.org'").first?.decode(column: 0, as: String.self))
                let line = try #require(body.split(separator: "\n").first { $0.count > 20 })
                #expect(!outbox.text.contains(line), "no message text on the page")
            }
        }
    }

    @Test func theAuditLogsFiltersNarrowItsRows() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: WebModerationPagesTests.accounts()) { server in
                _ = try await server.signUp(email: "admin@haven.test", role: .administrator)
                _ = try await server.signUp(email: "amina@example.org")
                let aminaID = try await Self.id(of: "amina@example.org", server)
                let adminID = try await Self.id(of: "admin@haven.test", server)
                let admin = try await Self.browser(server, "admin@haven.test")
                let page = try await admin.get("/web/admin/accounts/\(aminaID)")
                _ = try await admin.submit("/web/admin/accounts/\(aminaID)/disable", [], from: page)
                _ = try await admin.submit("/web/admin/invitations", [("email", "new@example.org"), ("role", "member")], from: page)

                let all = try await admin.get("/web/admin/audit")
                #expect(all.status == 200)
                #expect(all.text.contains("account.disable") && all.text.contains("invitation.create"))
                #expect(all.text.contains("type=\"date\""))
                let accounts = try await admin.get("/web/admin/audit?action=account.")
                #expect(accounts.text.contains("account.disable") && !accounts.text.contains("invitation.create"), "a prefix narrows")
                let byTarget = try await admin.get("/web/admin/audit?target=account%3A\(aminaID)")
                #expect(byTarget.text.contains("account.disable") && !byTarget.text.contains("invitation.create"))
                let byActor = try await admin.get("/web/admin/audit?actor=\(adminID)")
                #expect(byActor.text.contains("account.disable") && byActor.text.contains("invitation.create"))
                let byOther = try await admin.get("/web/admin/audit?actor=\(aminaID)")
                #expect(!byOther.text.contains("account.disable"))
                let today = ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withFullDate])
                let todays = try await admin.get("/web/admin/audit?from=\(today)&to=\(today)")
                #expect(todays.text.contains("account.disable"))
                let future = try await admin.get("/web/admin/audit?from=2999-01-01")
                #expect(!future.text.contains("account.disable"))

                for bad in ["from=yesterday", "to=2026-02-31x", "from=2026-13-01", "actor=someone", "before=x"] {
                    let reply = try await admin.get("/web/admin/audit?\(bad)")
                    #expect(reply.status == 422, "\(bad): \(reply.status)")
                }
            }
        }
    }

    @Test func organisationsAreApprovedAndSuspendedFromTheirList() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: WebModerationPagesTests.accounts()) { server in
                _ = try await server.signUp(email: "admin@haven.test", role: .administrator)
                let founder = try await server.signUp(email: "founder@example.org")
                let proposed = try await founder.send(
                    "POST", "/organisations",
                    json: ["names": ["en": "Voices of Survivors"], "country": "iq", "kind": "victims-association", "thematic_areas": ["human-rights"], "profile": ""]
                )
                let id = try #require(proposed.json["id"] as? String)
                let admin = try await Self.browser(server, "admin@haven.test")
                let list = try await admin.get("/web/admin/organisations")
                #expect(list.text.contains("Voices of Survivors") && list.text.contains("Waiting for approval"))
                let approved = try await admin.submit("/web/admin/organisations/\(id)/approve", [], from: list)
                #expect(approved.header("Location") == "/web/admin/organisations?done=organisation-approved")
                #expect(try await founder.send("GET", "/organisations/\(id)").json["status"] as? String == "active")
                let suspended = try await admin.submit("/web/admin/organisations/\(id)/suspend", [], from: list)
                #expect(suspended.header("Location") == "/web/admin/organisations?done=organisation-suspended")
                #expect(try await admin.submit("/web/admin/organisations/\(UUID().uuidString)/approve", [], from: list).status == 404)
            }
        }
    }

    @Test func groupsAreCreatedAndMembersAddedAndRemovedByEmail() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: WebModerationPagesTests.accounts()) { server in
                _ = try await server.signUp(email: "admin@haven.test", role: .administrator)
                _ = try await server.signUp(email: "amina@example.org")
                let admin = try await Self.browser(server, "admin@haven.test")
                let form = try await admin.get("/web/admin/groups")
                #expect(try await admin.submit("/web/admin/groups", [("name", " ")], from: form).status == 422)
                let created = try await admin.submit("/web/admin/groups", [("name", "Trainers"), ("description", "Who trains")], from: form)
                #expect(created.header("Location") == "/web/admin/groups?done=group-created")
                #expect(try await admin.submit("/web/admin/groups", [("name", "Trainers")], from: form).status == 422, "names are unique")
                let group = try #require(try await server.services.pool.query("SELECT id FROM groups WHERE name = 'Trainers'").first?.decode(column: 0, as: UUID.self))
                let path = "/web/admin/groups/\(group.uuidString.lowercased())/members"
                #expect(try await admin.submit(path, [("email", "nobody@example.org")], from: form).status == 422)
                let added = try await admin.submit(path, [("email", "AMINA@example.org")], from: form)
                #expect(added.header("Location") == "/web/admin/groups?done=group-member-added")
                let count = { try await server.services.pool.query("SELECT count(*) FROM group_members WHERE group_id = \(group)").first?.decode(column: 0, as: Int.self) }
                #expect(try await count() == 1)
                let listed = try await admin.get("/web/admin/groups")
                #expect(listed.text.contains("Members: 1"))
                let removed = try await admin.submit(path + "/remove", [("email", "amina@example.org")], from: form)
                #expect(removed.header("Location") == "/web/admin/groups?done=group-member-removed")
                #expect(try await count() == 0)
                #expect(try await admin.submit(path + "/remove", [("email", "amina@example.org")], from: form).status == 404)
            }
        }
    }

    @Test func aCategoryIsCreatedWithNamesInSixLanguages() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: WebModerationPagesTests.accounts()) { server in
                _ = try await server.signUp(email: "admin@haven.test", role: .administrator)
                let admin = try await Self.browser(server, "admin@haven.test")
                let form = try await admin.get("/web/admin/categories")
                #expect(form.status == 200)
                for code in ["ar", "zh", "en", "fr", "ru", "es"] { #expect(form.text.contains("<label for=\"name-\(code)\">")) }
                let names = [("name_ar", "الشباب"), ("name_zh", "青年"), ("name_en", "Youth"), ("name_fr", "Jeunesse"), ("name_ru", "Молодёжь"), ("name_es", "Juventud")]
                let bad = try await admin.submit("/web/admin/categories", [("slug", "Not A Slug")] + names, from: form)
                #expect(bad.status == 422)
                #expect(bad.text.contains("value=\"Youth\""), "the form keeps what was typed")
                let created = try await admin.submit("/web/admin/categories", [("slug", "youth"), ("premoderated", "on"), ("pseudonymous", "on")] + names, from: form)
                #expect(created.header("Location") == "/web/admin/categories?done=category-created", "\(created.text)")
                let row = try await server.services.pool.query("SELECT names->>'ru', premoderated, pseudonymous FROM forum_categories WHERE slug = 'youth'")
                    .first?.decode((String, Bool, Bool).self)
                #expect(row?.0 == "Молодёжь" && row?.1 == true && row?.2 == true)
                #expect(try await admin.submit("/web/admin/categories", [("slug", "youth")] + names, from: form).status == 422, "slugs are unique")
            }
        }
    }

    @Test func theAuditLogIsPagedNewestFirst() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: WebModerationPagesTests.accounts()) { server in
                _ = try await server.signUp(email: "admin@haven.test", role: .administrator)
                for number in 1...60 {
                    try await server.services.audit.record(AuditEvent(actor: nil, action: "test.paging", target: "item:\(number)"))
                }
                let admin = try await Self.browser(server, "admin@haven.test")
                let first = try await admin.get("/web/admin/audit?action=test.")
                #expect(first.text.contains("<code>item:60</code>") && !first.text.contains("<code>item:10</code>"))
                let next = try #require(WebClient.attribute("href", ofFirst: "before=", in: first.text))
                #expect(next.contains("action=test."), "the filters are kept")
                let second = try await admin.get(next)
                #expect(second.text.contains("<code>item:10</code>") && !second.text.contains("<code>item:60</code>"))
                #expect(!second.text.contains("before="), "the last page has no next link")
            }
        }
    }
}
