import Foundation
import HavenAPI
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// The member's own account pages and the signed-out pages that lead to an account, used as a
/// browser would: each change checked in the database or through the API too.
@Suite struct WebAccountPagesTests {
    static let password = "a long and unusual passphrase"

    /// A web client signed in as `email` (password only).
    static func signedIn(_ server: TestServer, _ email: String, headers: [String: String] = [:]) async throws -> WebClient {
        let web = WebClient(probe: server.client, headers: headers)
        let reply = try await web.fill("/web/sign-in", submitTo: "/web/sign-in", [("email", email), ("password", Self.password)])
        #expect(reply.status == 303, "\(email) signs in: \(reply.text)")
        return web
    }

    static func accountID(_ server: TestServer, _ email: String) async throws -> UUID {
        try #require(try await server.services.pool.query("SELECT id FROM accounts WHERE email = \(email)").first?.decode(column: 0, as: UUID.self))
    }

    /// The text of the element with `id` (up to its first `<`).
    static func text(ofID id: String, in html: String) -> String? {
        guard let start = html.range(of: "id=\"\(id)\"") else { return nil }
        guard let close = html[start.upperBound...].firstIndex(of: ">") else { return nil }
        return String(html[html.index(after: close)...].prefix { $0 != "<" })
    }

    @Test func theAccountPageSavesTheProfileDirectoryChoiceAndLanguage() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                _ = try await server.signUp(email: "amina@example.org")
                let web = try await Self.signedIn(server, "amina@example.org")
                let page = try await web.get("/web/account")
                #expect(page.status == 200, "\(page.text)")
                #expect(page.text.contains("href=\"/web/account\" aria-current=\"page\""), "the navigation has the account entry")
                #expect(page.text.contains("value=\"Amina\""))
                #expect(!page.text.contains("<title>Amina"), "no name in the title")
                for link in ["/web/account/password", "/web/account/two-factor", "/web/account/sessions", "/web/account/tokens",
                             "/web/account/export", "/web/account/delete"] {
                    #expect(page.text.contains("href=\"\(link)\""), "links to \(link)")
                }
                #expect(page.text.contains("action=\"/web/account/sign-out-everywhere\""))

                let saved = try await web.submit("/web/account/profile", [("display_name", "  Amina K.  "), ("directory_visible", "on")], from: page)
                #expect(saved.status == 303)
                #expect(saved.header("Location") == "/web/account?done=profile-saved")
                let row = try await database.pool.query("SELECT display_name, directory_visible FROM accounts WHERE email = 'amina@example.org'")
                    .first?.decode((String, Bool).self)
                #expect(row?.0 == "Amina K." && row?.1 == true)
                let after = try await web.get("/web/account?done=profile-saved")
                #expect(after.text.contains("role=\"status\""))
                #expect(after.text.contains("id=\"directory-visible\" name=\"directory_visible\" type=\"checkbox\" value=\"on\" checked"))

                // Unticking the box takes the member out of the directory; an empty name is refused.
                let empty = try await web.submit("/web/account/profile", [("display_name", " ")], from: after)
                #expect(empty.status == 422)
                #expect(empty.text.contains("role=\"alert\""))
                let hidden = try await web.submit("/web/account/profile", [("display_name", "Amina")], from: after)
                #expect(hidden.status == 303)
                #expect(try await database.pool.query("SELECT directory_visible FROM accounts WHERE email = 'amina@example.org'").first?.decode(column: 0, as: Bool.self) == false)

                let french = try await web.submit("/web/account/language", [("language", "fr")], from: after)
                #expect(french.status == 303)
                let inFrench = try await web.get("/web/account")
                #expect(inFrench.text.contains("<html lang=\"fr\""))
                #expect(inFrench.text.contains("<option value=\"fr\" lang=\"fr\" selected>"))
                let klingon = try await web.submit("/web/account/language", [("language", "tlh")], from: inFrench)
                #expect(klingon.status == 422)
            }
        }
    }

    @Test func thePasswordChangesThroughItsPageAndWrongOrWeakPasswordsAreRefused() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                _ = try await server.signUp(email: "omar@example.org")
                let web = try await Self.signedIn(server, "omar@example.org")
                let other = try await Self.signedIn(server, "omar@example.org")
                let page = try await web.get("/web/account/password")
                #expect(page.status == 200)
                // Password managers: the account's name, the current password, the new one twice.
                #expect(page.text.contains("autocomplete=\"username\""))
                #expect(page.text.contains("id=\"current-password\" name=\"current_password\" type=\"password\" autocomplete=\"current-password\""))
                #expect(page.text.contains("id=\"new-password\" name=\"new_password\" type=\"password\" autocomplete=\"new-password\""))
                #expect(page.text.contains("id=\"confirm-password\" name=\"confirm_password\" type=\"password\" autocomplete=\"new-password\""))

                let newPassword = "another long and unusual passphrase"
                let wrong = try await web.submit(
                    "/web/account/password", [("current_password", "not my password"), ("new_password", newPassword), ("confirm_password", newPassword)], from: page
                )
                #expect(wrong.status == 401)
                #expect(wrong.text.contains("role=\"alert\""))
                let weak = try await web.submit(
                    "/web/account/password", [("current_password", Self.password), ("new_password", "short"), ("confirm_password", "short")], from: page
                )
                #expect(weak.status == 422)
                #expect(weak.text.contains("lang=\"en\" dir=\"ltr\""), "the policy's reason is shown")
                let mismatch = try await web.submit(
                    "/web/account/password", [("current_password", Self.password), ("new_password", newPassword), ("confirm_password", newPassword + "x")], from: page
                )
                #expect(mismatch.status == 422)

                let changed = try await web.submit(
                    "/web/account/password", [("current_password", Self.password), ("new_password", newPassword), ("confirm_password", newPassword)], from: page
                )
                #expect(changed.status == 303)
                #expect(changed.header("Location") == "/web/account?done=password-changed")
                #expect(try await web.get("/web/account").status == 200, "this session stays")
                #expect(try await other.get("/web/account").status == 303, "the other session ended")
                #expect(try await server.signIn(email: "omar@example.org", password: newPassword).reply.status == 200)
                #expect(try await server.signIn(email: "omar@example.org", password: Self.password).reply.status == 401)
            }
        }
    }

    @Test func twoFactorEnrolsThroughThePageWithAReadableQRCodeAndThenSignInNeedsTheCode() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                _ = try await server.signUp(email: "li@example.org")
                let web = try await Self.signedIn(server, "li@example.org")
                let account = try await web.get("/web/account")
                #expect(account.text.contains("Two-factor authentication is off."))

                let page = try await web.get("/web/account/two-factor")
                #expect(page.status == 200, "\(page.text)")
                #expect(page.header("Cache-Control") == "no-store")
                let secret = try #require(Self.text(ofID: "totp-secret", in: page.text))
                #expect(secret.count == 32)
                // The QR code is SVG drawn by the server, inline, inert, and decodes to the secret's URI.
                let start = try #require(page.text.range(of: "<svg "))
                let end = try #require(page.text.range(of: "</svg>"))
                let svg = String(page.text[start.lowerBound..<end.upperBound])
                #expect(!svg.contains("style") && !svg.contains("script"))
                #expect(svg.contains("<title>QR code for your authenticator app"))
                let uri = String(decoding: try await QRCodeReader.read(svg: svg), as: UTF8.self)
                #expect(uri.hasPrefix("otpauth://totp/Haven:li@example.org?secret=\(secret)"))
                #expect(page.text.contains("action=\"/web/account/two-factor/confirm\""))
                #expect(page.text.contains("id=\"code\" name=\"code\""))
                #expect(page.text.contains("autocomplete=\"one-time-code\""))

                // Reloading shows the same secret; a wrong code keeps it too.
                let again = try await web.get("/web/account/two-factor")
                #expect(Self.text(ofID: "totp-secret", in: again.text) == secret)
                let wrong = try await web.submit("/web/account/two-factor/confirm", [("code", "000000")], from: page)
                #expect(wrong.status == 422)
                #expect(Self.text(ofID: "totp-secret", in: wrong.text) == secret)
                #expect(try await database.pool.query("SELECT totp_enabled_at IS NULL FROM accounts WHERE email = 'li@example.org'").first?.decode(column: 0, as: Bool.self) == true)

                let confirmed = try await web.submit("/web/account/two-factor/confirm", [("code", server.totp(secret))], from: page)
                #expect(confirmed.status == 200, "\(confirmed.text)")
                #expect(confirmed.header("Cache-Control") == "no-store")
                let codes = confirmed.text.matches(of: /<li><code>([A-Z2-7]{5}-[A-Z2-7]{5})<\/code><\/li>/).map { String($0.output.1) }
                #expect(codes.count == 10)
                #expect(confirmed.text.contains("shown only this once"))

                // Signing in now needs the code after the password.
                let browser = WebClient(probe: server.client)
                let step = try await browser.fill("/web/sign-in", submitTo: "/web/sign-in", [("email", "li@example.org"), ("password", Self.password)])
                #expect(step.status == 200)
                #expect(step.text.contains("action=\"/web/sign-in/code\""))
                let pending = try #require(WebClient.attribute("value", ofFirst: "name=\"pending\"", in: step.text))
                let done = try await browser.submit("/web/sign-in/code", [("pending", pending), ("code", server.totp(secret, offset: 1)), ("next", "/web/")], from: step)
                #expect(done.status == 303)
                #expect(try await browser.get("/web/account").status == 200)

                // Enrolled: new recovery codes (password and a code), the old ones stop working.
                let on = try await web.get("/web/account/two-factor")
                #expect(on.text.contains("Unused recovery codes: 10"))
                let badRegenerate = try await web.submit("/web/account/two-factor/recovery-codes", [("password", Self.password), ("code", "AAAAA-AAAAA")], from: on)
                #expect(badRegenerate.status == 401)
                #expect(badRegenerate.text.contains("role=\"alert\""))
                let regenerated = try await web.submit("/web/account/two-factor/recovery-codes", [("password", Self.password), ("code", codes[0])], from: on)
                #expect(regenerated.status == 200, "\(regenerated.text)")
                let newCodes = regenerated.text.matches(of: /<li><code>([A-Z2-7]{5}-[A-Z2-7]{5})<\/code><\/li>/).map { String($0.output.1) }
                #expect(newCodes.count == 10 && Set(newCodes).isDisjoint(with: codes))
                #expect(try await server.signIn(email: "li@example.org", password: Self.password, recovery: codes[1]).reply.status == 401)

                // Turning it off needs the password and a code.
                let noCode = try await web.submit("/web/account/two-factor/disable", [("password", Self.password)], from: on)
                #expect(noCode.status == 422)
                let wrongPassword = try await web.submit("/web/account/two-factor/disable", [("password", "nope"), ("code", newCodes[0])], from: on)
                #expect(wrongPassword.status == 401)
                let off = try await web.submit("/web/account/two-factor/disable", [("password", Self.password), ("code", newCodes[1])], from: on)
                #expect(off.status == 303)
                #expect(off.header("Location") == "/web/account/two-factor?done=two-factor-off")
                #expect(try await server.signIn(email: "li@example.org", password: Self.password).reply.status == 200)
            }
        }
    }

    @Test func staffWithoutASecondFactorEnrolOnThePageTheyAreSentToAndCannotTurnItOff() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                _ = try await server.signUp(email: "moderator@haven.test", role: .moderator)
                let web = try await Self.signedIn(server, "moderator@haven.test")
                let home = try await web.get("/web/")
                #expect(home.header("Location") == "/web/account/two-factor")
                #expect(try await web.get("/web/account").header("Location") == "/web/account/two-factor")
                let page = try await web.get("/web/account/two-factor")
                #expect(page.status == 200)
                #expect(page.text.contains("Your role requires two-factor authentication."))
                let secret = try #require(Self.text(ofID: "totp-secret", in: page.text))
                let confirmed = try await web.submit("/web/account/two-factor/confirm", [("code", server.totp(secret))], from: page)
                #expect(confirmed.status == 200)
                #expect(try await web.get("/web/").status == 200, "enrolled, the rest opens")

                let on = try await web.get("/web/account/two-factor")
                #expect(!on.text.contains("action=\"/web/account/two-factor/disable\""))
                #expect(on.text.contains("Staff accounts keep two-factor authentication on"))
                let codes = confirmed.text.matches(of: /<li><code>([A-Z2-7]{5}-[A-Z2-7]{5})<\/code><\/li>/).map { String($0.output.1) }
                let refused = try await web.submit("/web/account/two-factor/disable", [("password", Self.password), ("code", codes.first ?? "")], from: on)
                #expect(refused.status == 422)
                #expect(try await database.pool.query("SELECT totp_enabled_at IS NOT NULL FROM accounts WHERE email = 'moderator@haven.test'").first?.decode(column: 0, as: Bool.self) == true)
            }
        }
    }

    @Test func anOldSessionEntersItsPasswordBeforeASecretIsMade() async throws {
        var configuration = lenientAccounts()
        configuration.reauthenticationWindow = .seconds(1)
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: configuration) { server in
                _ = try await server.signUp(email: "sara@example.org")
                let web = try await Self.signedIn(server, "sara@example.org")
                try await Task.sleep(for: .seconds(2))
                let page = try await web.get("/web/account/two-factor")
                #expect(page.status == 200)
                #expect(Self.text(ofID: "totp-secret", in: page.text) == nil)
                #expect(page.text.contains("action=\"/web/account/two-factor/start\""))
                #expect(page.text.contains("autocomplete=\"current-password\""))
                let wrong = try await web.submit("/web/account/two-factor/start", [("password", "nope")], from: page)
                #expect(wrong.status == 401)
                let started = try await web.submit("/web/account/two-factor/start", [("password", Self.password)], from: page)
                #expect(started.status == 200)
                #expect(Self.text(ofID: "totp-secret", in: started.text)?.count == 32)
            }
        }
    }

    @Test func sessionsAreListedWithoutAddressesAndOneCanBeEndedButNotSomeoneElses() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                _ = try await server.signUp(email: "amina@example.org")
                let stranger = try await server.signUp(email: "stranger@example.org")
                let laptop = try await Self.signedIn(server, "amina@example.org", headers: ["User-Agent": "Laptop browser"])
                let phone = try await Self.signedIn(server, "amina@example.org", headers: ["User-Agent": "Phone browser"])
                let page = try await laptop.get("/web/account/sessions")
                #expect(page.status == 200)
                #expect(page.text.contains("Laptop browser") && page.text.contains("Phone browser"))
                #expect(page.text.contains("This session"))
                #expect(!page.text.contains("127.0.0"), "no address")
                let accountID = try await Self.accountID(server, "amina@example.org")
                let phoneSession = try #require(
                    try await database.pool.query(
                        "SELECT id FROM sessions WHERE account_id = \(accountID) AND user_agent = 'Phone browser' AND revoked_at IS NULL"
                    ).first?.decode(column: 0, as: UUID.self)
                )
                let phoneID = phoneSession.uuidString.lowercased()
                #expect(page.text.contains("action=\"/web/account/sessions/\(phoneID)/revoke\""))

                let strangerSession = try #require(
                    try await database.pool.query("SELECT id FROM sessions WHERE account_id = \(try await stranger.accountID())").first?.decode(column: 0, as: UUID.self)
                )
                let notMine = try await laptop.submit("/web/account/sessions/\(strangerSession.uuidString.lowercased())/revoke", [], from: page)
                #expect(notMine.status == 404)
                #expect(try await stranger.send("GET", "/me").status == 200)
                let malformed = try await laptop.submit("/web/account/sessions/not-an-id/revoke", [], from: page)
                #expect(malformed.status == 404)

                #expect(try await phone.get("/web/account").status == 200)
                let revoked = try await laptop.submit("/web/account/sessions/\(phoneID)/revoke", [], from: page)
                #expect(revoked.status == 303)
                #expect(revoked.header("Location") == "/web/account/sessions?done=session-revoked")
                #expect(try await phone.get("/web/account").status == 303, "the phone is signed out")
                #expect(try await laptop.get("/web/account").status == 200)
            }
        }
    }

    @Test func signingOutEverywhereEndsEverySessionThisOneIncluded() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let api = try await server.signUp(email: "amina@example.org")
                let laptop = try await Self.signedIn(server, "amina@example.org")
                let phone = try await Self.signedIn(server, "amina@example.org")
                let page = try await laptop.get("/web/account")
                let out = try await laptop.submit("/web/account/sign-out-everywhere", [], from: page)
                #expect(out.status == 303)
                #expect(out.header("Location") == "/web/sign-in?done=signed-out-everywhere")
                #expect(try await laptop.get("/web/account").status == 303)
                #expect(try await phone.get("/web/account").status == 303)
                #expect(try await api.send("GET", "/me").status == 401)
                let signIn = try await laptop.get("/web/sign-in?done=signed-out-everywhere")
                #expect(signIn.text.contains("You are signed out everywhere."))
            }
        }
    }

    @Test func aTokenMadeOnThePageWorksOnTheAPIUntilRevoked() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                _ = try await server.signUp(email: "amina@example.org")
                let stranger = try await server.signUp(email: "stranger@example.org")
                let web = try await Self.signedIn(server, "amina@example.org")
                let page = try await web.get("/web/account/tokens")
                #expect(page.status == 200)
                #expect(page.text.contains("You have no tokens."))
                #expect(page.text.contains("value=\"read\"") && page.text.contains("value=\"write\""))
                #expect(!page.text.contains("value=\"admin\""), "a member is not offered the admin scope")

                for days in ["abc", "0", "367", ""] {
                    let bad = try await web.submit("/web/account/tokens", [("name", "Script"), ("scopes", "read"), ("expires_in_days", days)], from: page)
                    #expect(bad.status == 422, "expiry \(days)")
                }
                let noScope = try await web.submit("/web/account/tokens", [("name", "Script"), ("expires_in_days", "30")], from: page)
                #expect(noScope.status == 422)
                let unknownScope = try await web.submit("/web/account/tokens", [("name", "Script"), ("scopes", "root"), ("expires_in_days", "30")], from: page)
                #expect(unknownScope.status == 422)
                let tooMuch = try await web.submit("/web/account/tokens", [("name", "Script"), ("scopes", "admin"), ("expires_in_days", "30")], from: page)
                #expect(tooMuch.status == 403)
                let noName = try await web.submit("/web/account/tokens", [("name", " "), ("scopes", "read"), ("expires_in_days", "30")], from: page)
                #expect(noName.status == 422)

                let created = try await web.submit(
                    "/web/account/tokens", [("name", "Backup script"), ("scopes", "read"), ("scopes", "write"), ("expires_in_days", "30")], from: page
                )
                #expect(created.status == 200, "\(created.text)")
                #expect(created.header("Cache-Control") == "no-store")
                let secret = try #require(WebClient.attribute("value", ofFirst: "id=\"token-secret\"", in: created.text))
                #expect(secret.hasPrefix("haven_pat_"))
                let me = try await server.client.get("/me", headers: ["Authorization": "Bearer \(secret)"])
                #expect(me.status == 200)
                #expect(me.json["email"] as? String == "amina@example.org")

                let list = try await web.get("/web/account/tokens")
                #expect(list.text.contains("Backup script"))
                #expect(!list.text.contains(secret), "the secret is shown once")
                let tokenID = try #require(list.text.firstMatch(of: /id="token-([0-9a-f-]{36})"/).map { String($0.output.1) })
                let strangersToken = try await stranger.send("POST", "/me/api-tokens", json: ["name": "theirs", "scopes": ["read"], "expires_in_days": 5])
                let theirID = try #require(strangersToken.json["token"] as? [String: Any])["id"] as? String ?? ""
                let notMine = try await web.submit("/web/account/tokens/\(theirID)/revoke", [], from: list)
                #expect(notMine.status == 404)

                let revoked = try await web.submit("/web/account/tokens/\(tokenID)/revoke", [], from: list)
                #expect(revoked.status == 303)
                #expect(revoked.header("Location") == "/web/account/tokens?done=token-revoked")
                #expect(try await server.client.get("/me", headers: ["Authorization": "Bearer \(secret)"]).status == 401)
            }
        }
    }

    @Test func aTokenNeedsTheSessionsPasswordAgainWhenItWasEnteredLongAgo() async throws {
        var configuration = lenientAccounts()
        configuration.reauthenticationWindow = .seconds(1)
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: configuration) { server in
                _ = try await server.signUp(email: "amina@example.org")
                let web = try await Self.signedIn(server, "amina@example.org")
                try await Task.sleep(for: .seconds(2))
                let page = try await web.get("/web/account/tokens")
                #expect(page.text.contains("id=\"reauth-password\" name=\"password\" type=\"password\" autocomplete=\"current-password\""))
                let without = try await web.submit("/web/account/tokens", [("name", "Script"), ("scopes", "read"), ("expires_in_days", "30")], from: page)
                #expect(without.status == 401)
                let with = try await web.submit(
                    "/web/account/tokens", [("name", "Script"), ("scopes", "read"), ("expires_in_days", "30"), ("password", Self.password)], from: page
                )
                #expect(with.status == 200)
                #expect(WebClient.attribute("value", ofFirst: "id=\"token-secret\"", in: with.text)?.hasPrefix("haven_pat_") == true)
            }
        }
    }

    @Test func anExportIsAskedForOnThePageAndDownloadedWithTheSessionCookie() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                _ = try await server.signUp(email: "amina@example.org")
                let web = try await Self.signedIn(server, "amina@example.org")
                let page = try await web.get("/web/account/export")
                #expect(page.status == 200)
                #expect(!page.text.contains("id=\"export-state\""))
                let asked = try await web.submit("/web/account/export", [], from: page)
                #expect(asked.status == 303)
                #expect(asked.header("Location") == "/web/account/export?done=export-requested")
                let queued = try await web.get("/web/account/export")
                #expect(Self.text(ofID: "export-state", in: queued.text) == "Waiting to be prepared.")
                let again = try await web.submit("/web/account/export", [], from: queued)
                #expect(again.status == 429)
                #expect(again.header("Retry-After") != nil)

                #expect(try await server.services.exports.prepareDue() == 1)
                let ready = try await web.get("/web/account/export")
                #expect(Self.text(ofID: "export-state", in: ready.text) == "Ready to download.")
                let link = try #require(ready.text.firstMatch(of: /href="(\/me\/exports\/[0-9a-f-]{36}\/download)"/).map { String($0.output.1) })
                let download = try await web.get(link)
                #expect(download.status == 200)
                #expect(download.header("Content-Type") == "application/zip")
                #expect(download.body.starts(with: [0x50, 0x4B]))
                let done = try await web.get("/web/account/export")
                #expect(Self.text(ofID: "export-state", in: done.text) == "Downloaded; the archive was destroyed.")
            }
        }
    }

    @Test func deletionIsAskedForWithThePasswordAndTheChoiceThenCancelled() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                _ = try await server.signUp(email: "amina@example.org")
                let web = try await Self.signedIn(server, "amina@example.org")
                let other = try await Self.signedIn(server, "amina@example.org")
                let page = try await web.get("/web/account/delete")
                #expect(page.status == 200)
                #expect(page.text.contains("The account is erased after 7 days."))
                #expect(page.text.contains("name=\"posts\" type=\"radio\" value=\"remove\""))
                #expect(page.text.contains("autocomplete=\"current-password\""))

                let noChoice = try await web.submit("/web/account/delete", [("password", Self.password)], from: page)
                #expect(noChoice.status == 422)
                let badChoice = try await web.submit("/web/account/delete", [("password", Self.password), ("posts", "sell")], from: page)
                #expect(badChoice.status == 422)
                let wrong = try await web.submit("/web/account/delete", [("password", "nope"), ("posts", "keep")], from: page)
                #expect(wrong.status == 401)
                let accountID = try await Self.accountID(server, "amina@example.org")
                #expect(try await database.pool.query("SELECT 1 FROM account_deletions WHERE account_id = \(accountID)").isEmpty)

                let asked = try await web.submit("/web/account/delete", [("password", Self.password), ("posts", "keep")], from: page)
                #expect(asked.status == 303)
                #expect(asked.header("Location") == "/web/account/delete?done=deletion-requested")
                #expect(try await database.pool.query("SELECT posts FROM account_deletions WHERE account_id = \(accountID)").first?.decode(column: 0, as: String.self) == "keep")
                #expect(try await other.get("/web/account").status == 303, "the other sessions end")
                let pending = try await web.get("/web/account/delete")
                #expect(pending.text.contains("id=\"deletion-pending\""))
                #expect(try await web.get("/web/account").text.contains("href=\"/web/account/delete\""))

                let cancelled = try await web.submit("/web/account/delete/cancel", [], from: pending)
                #expect(cancelled.status == 303)
                #expect(cancelled.header("Location") == "/web/account/delete?done=deletion-cancelled")
                #expect(try await database.pool.query("SELECT 1 FROM account_deletions WHERE account_id = \(accountID)").isEmpty)
                #expect(try await web.get("/web/account/delete").text.contains("name=\"posts\""))
            }
        }
    }

    @Test func anInvitationIsAcceptedThroughThePageTheMailLinksTo() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                _ = try await server.services.accounts.invite(email: "newcomer@example.org", role: .member, by: nil)
                let mail = try #require(try await server.lastMail(to: "newcomer@example.org", kind: "invitation"))
                #expect(mail.contains("/web/invitations/accept#"))
                let token = try #require(server.token(inMail: mail))

                let web = WebClient(probe: server.client)
                let page = try await web.get("/web/invitations/accept")
                #expect(page.status == 200)
                #expect(page.text.contains("id=\"token\" name=\"token\"") && page.text.contains("data-token-from-link"))
                #expect(page.text.contains("name=\"password\" type=\"password\" autocomplete=\"new-password\""))
                #expect(page.header("Cache-Control") == "no-store")

                let badToken = try await web.submit("/web/invitations/accept", [("token", "nonsense"), ("display_name", "Newcomer"), ("password", Self.password)], from: page)
                #expect(badToken.status == 422)
                #expect(badToken.text.contains("role=\"alert\""))
                let weak = try await web.submit("/web/invitations/accept", [("token", token), ("display_name", "Newcomer"), ("password", "short")], from: page)
                #expect(weak.status == 422)
                #expect(weak.text.contains("value=\"Newcomer\""), "what was entered stays")
                #expect(web.cookie("__Host-haven_session") == nil)

                let accepted = try await web.submit("/web/invitations/accept", [("token", token), ("display_name", "Newcomer"), ("password", Self.password)], from: page)
                #expect(accepted.status == 303, "\(accepted.text)")
                #expect(accepted.header("Location") == "/web/")
                #expect(web.cookie("__Host-haven_session") != nil)
                #expect(try await web.get("/web/").status == 200)
                #expect(try await database.pool.query("SELECT display_name FROM accounts WHERE email = 'newcomer@example.org'").first?.decode(column: 0, as: String.self) == "Newcomer")
                // The token works once.
                let visitor = WebClient(probe: server.client)
                let reused = try await visitor.fill("/web/invitations/accept", submitTo: "/web/invitations/accept", [("token", token), ("display_name", "X"), ("password", Self.password)])
                #expect(reused.status == 422)
            }
        }
    }

    @Test func aForgottenPasswordIsResetThroughThePagesWithoutSayingWhichAddressesHaveAccounts() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                _ = try await server.signUp(email: "forgetful@example.org")
                let web = WebClient(probe: server.client)
                let signIn = try await web.get("/web/sign-in")
                #expect(signIn.text.contains("href=\"/web/password/forgot\""))
                #expect(!signIn.text.contains(">nil<"), "an absent value is not written as nil")
                let page = try await web.get("/web/password/forgot")
                #expect(page.status == 200)
                #expect(page.text.contains("autocomplete=\"username\""))

                let known = try await web.submit("/web/password/forgot", [("email", "forgetful@example.org")], from: page)
                let unknown = try await web.submit("/web/password/forgot", [("email", "nobody@example.org")], from: page)
                #expect(known.status == 303 && unknown.status == 303)
                #expect(known.header("Location") == unknown.header("Location"))
                #expect(known.header("Location") == "/web/password/forgot?done=reset-requested")
                let malformed = try await web.submit("/web/password/forgot", [("email", "not an address")], from: page)
                #expect(malformed.status == 422)
                #expect(try await server.lastMail(to: "nobody@example.org", kind: "password-reset") == nil)
                let mail = try #require(try await server.lastMail(to: "forgetful@example.org", kind: "password-reset"))
                #expect(mail.contains("/web/password/reset#"))
                let token = try #require(server.token(inMail: mail))

                let reset = try await web.get("/web/password/reset")
                #expect(reset.status == 200)
                #expect(reset.text.contains("data-token-from-link"))
                #expect(reset.text.contains("name=\"new_password\" type=\"password\" autocomplete=\"new-password\""))
                let newPassword = "a brand new and unusual passphrase"
                let badToken = try await web.submit(
                    "/web/password/reset", [("token", "nonsense"), ("new_password", newPassword), ("confirm_password", newPassword)], from: reset
                )
                #expect(badToken.status == 422)
                let weak = try await web.submit("/web/password/reset", [("token", token), ("new_password", "short"), ("confirm_password", "short")], from: reset)
                #expect(weak.status == 422)
                let done = try await web.submit(
                    "/web/password/reset", [("token", token), ("new_password", newPassword), ("confirm_password", newPassword)], from: reset
                )
                #expect(done.status == 303)
                #expect(done.header("Location") == "/web/sign-in?done=password-reset")
                #expect(try await server.signIn(email: "forgetful@example.org", password: newPassword).reply.status == 200)
                let used = try await web.submit(
                    "/web/password/reset", [("token", token), ("new_password", newPassword + "!"), ("confirm_password", newPassword + "!")], from: reset
                )
                #expect(used.status == 422)
            }
        }
    }

    @Test func theAccountTemplatesGiveEveryFieldALabelAndPasswordFieldsTheirAutocomplete() throws {
        let folder = PythonTools.root.appending(path: "Sources/HavenAPI/Web/Templates")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("account-") }
        #expect(files.count >= 12)
        for file in files {
            let text = try String(contentsOf: folder.appending(path: file), encoding: .utf8)
            for input in text.matches(of: /<(input|select|textarea)\b[^>]*>/) {
                let tag = String(input.output.0)
                if tag.contains("type=\"hidden\"") { continue }
                let id = try #require(tag.firstMatch(of: /\bid="([^"]+)"/).map { String($0.output.1) }, "\(file): \(tag) has no id")
                #expect(text.contains("<label for=\"\(id)\">"), "\(file): \(id) has no label")
                if tag.contains("type=\"password\"") {
                    #expect(tag.contains("autocomplete=\"current-password\"") || tag.contains("autocomplete=\"new-password\""), "\(file): \(tag)")
                }
            }
            #expect(text.components(separatedBy: "<h1").count == 2, "\(file): one h1")
            #expect(!text.contains(" style=") && !text.contains("<script"), "\(file)")
        }
    }
}
