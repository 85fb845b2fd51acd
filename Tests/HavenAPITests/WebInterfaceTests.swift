import Foundation
import HavenAPI
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// The web interface's frame: sign-in with its second step, languages, the form token, error
/// pages, and the headers every page carries.
@Suite struct WebInterfaceTests {
    @Test func everyCatalogueHasEveryKeyAndTemplatesUseOnlyKnownKeys() throws {
        let catalogue = WebCatalogue.embedded
        #expect(Set(catalogue.strings.keys) == WebLanguage.codes)
        for code in WebLanguage.codes {
            #expect(catalogue.missingKeys(in: code).isEmpty, "web-\(code).json lacks \(catalogue.missingKeys(in: code).sorted())")
            for (key, text) in catalogue.strings[code] ?? [:] {
                #expect(!text.isEmpty, "web-\(code).json: \(key) is empty")
            }
        }
        // Every {{t.key}} in a template is in the English catalogue (and so, by the above, in all).
        let templates = PythonTools.root.appending(path: "Sources/HavenAPI/Web/Templates")
        let english = catalogue.strings["en"] ?? [:]
        let files = try FileManager.default.contentsOfDirectory(atPath: templates.path).filter { $0.hasSuffix(".mustache") }
        #expect(files.count == WebRenderer.templateNames.count)
        for file in files {
            let text = try String(contentsOf: templates.appending(path: file), encoding: .utf8)
            for match in text.matches(of: /\{\{t\.([a-z0-9_]+)\}\}/) {
                #expect(english[String(match.output.1)] != nil, "\(file) uses t.\(match.output.1), which no catalogue has")
            }
            #expect(!text.contains("<script>") && !text.contains(" style=") && text.matches(of: /\ on[a-z]+=/).isEmpty, "\(file) has inline script or style")
        }
    }

    @Test func signInTakesThePasswordThenTheCodeAndNeverCarriesThePasswordOver() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let (_, secret) = try await server.staff(email: "mod@haven.test", role: .moderator)
                let web = WebClient(probe: server.client)
                let anonymous = try await web.get("/web/")
                #expect(anonymous.status == 303)
                #expect(anonymous.header("Location") == "/web/sign-in?next=%2Fweb%2F")
                let form = try await web.get("/web/sign-in?next=%2Fweb%2F")
                #expect(form.status == 200)
                #expect(form.text.contains("autocomplete=\"current-password\""))
                #expect(web.cookie("__Host-haven_form") != nil)

                let wrong = try await web.submit("/web/sign-in", [("email", "mod@haven.test"), ("password", "not the password"), ("next", "/web/")], from: form)
                #expect(wrong.status == 401)
                #expect(wrong.text.contains("role=\"alert\""))

                let step = try await web.submit(
                    "/web/sign-in", [("email", "mod@haven.test"), ("password", "a long and unusual passphrase"), ("next", "/web/")], from: form
                )
                #expect(step.status == 200, "\(step.text)")
                #expect(step.text.contains("autocomplete=\"one-time-code\""))
                #expect(!step.text.contains("a long and unusual passphrase"), "the code step must not carry the password")
                #expect(web.cookie("__Host-haven_session") == nil)
                let pending = try #require(WebClient.attribute("value", ofFirst: "name=\"pending\"", in: step.text))

                let badCode = try await web.submit("/web/sign-in/code", [("pending", pending), ("code", "000000"), ("next", "/web/")], from: step)
                #expect(badCode.status == 401)
                let forged = try await web.submit("/web/sign-in/code", [("pending", pending + "x"), ("code", server.totp(secret)), ("next", "/web/")], from: step)
                #expect(forged.status == 401)
                let done = try await web.submit("/web/sign-in/code", [("pending", pending), ("code", server.totp(secret, offset: 1)), ("next", "/web/")], from: step)
                #expect(done.status == 303, "\(done.text)")
                #expect(done.header("Location") == "/web/")
                #expect(web.cookie("__Host-haven_session") != nil)
                let home = try await web.get("/web/")
                #expect(home.status == 200, "\(home.text)")
                #expect(home.text.contains("action=\"/web/sign-out\""))

                let out = try await web.submit("/web/sign-out", [], from: home)
                #expect(out.status == 303)
                #expect(try await web.get("/web/").status == 303)
            }
        }
    }

    @Test func aSignedOutNextCannotLeadToAnotherSite() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                _ = try await server.signUp(email: "amina@example.org")
                for next in ["https://evil.example/", "//evil.example/", "/web/\\evil", "/api"] {
                    let web = WebClient(probe: server.client)
                    let reply = try await web.fill(
                        "/web/sign-in", submitTo: "/web/sign-in",
                        [("email", "amina@example.org"), ("password", "a long and unusual passphrase"), ("next", next)]
                    )
                    #expect(reply.status == 303)
                    #expect(reply.header("Location") == "/web/", "next=\(next)")
                }
            }
        }
    }

    @Test func pagesFollowThePreferenceThenTheSwitcherThenTheBrowserAndArabicIsRightToLeft() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let english = try await WebClient(probe: server.client).get("/web/sign-in")
                #expect(english.text.contains("<html lang=\"en\" dir=\"ltr\">"))
                let french = try await WebClient(probe: server.client, headers: ["Accept-Language": "de;q=0.9, fr-CA;q=0.8, en;q=0.1"]).get("/web/sign-in")
                #expect(french.text.contains("<html lang=\"fr\" dir=\"ltr\">"))
                #expect(french.text.contains("Mot de passe"))

                let visitor = WebClient(probe: server.client, headers: ["Accept-Language": "fr"])
                let page = try await visitor.get("/web/sign-in")
                let switched = try await visitor.submit("/web/language", [("lang", "ar"), ("next", "/web/sign-in")], from: page)
                #expect(switched.status == 303)
                #expect(switched.header("Location") == "/web/sign-in")
                let arabic = try await visitor.get("/web/sign-in")
                #expect(arabic.text.contains("<html lang=\"ar\" dir=\"rtl\">"))
                #expect(arabic.text.contains("كلمة المرور"))

                // Signed in, the member's own preference wins, and the switcher changes it.
                _ = try await server.signUp(email: "li@example.org")
                let member = WebClient(probe: server.client, headers: ["Accept-Language": "ru"])
                _ = try await member.fill("/web/sign-in", submitTo: "/web/sign-in", [("email", "li@example.org"), ("password", "a long and unusual passphrase")])
                let home = try await member.get("/web/")
                #expect(home.text.contains("<html lang=\"en\""))
                _ = try await member.submit("/web/language", [("lang", "zh"), ("next", "/web/")], from: home)
                let chinese = try await member.get("/web/")
                #expect(chinese.text.contains("<html lang=\"zh\""))
                let stored = try await server.services.pool.query("SELECT language FROM accounts WHERE email = 'li@example.org'").first?.decode(column: 0, as: String.self)
                #expect(stored == "zh")
            }
        }
    }

    @Test func pagesCarryAStrictPolicyAndNoInlineScript() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let page = try await WebClient(probe: server.client).get("/web/sign-in")
                let policy = try #require(page.header("Content-Security-Policy"))
                #expect(policy.contains("default-src 'self'") && !policy.contains("unsafe-inline") && policy.contains("frame-ancestors 'none'"))
                #expect(page.header("X-Content-Type-Options") == "nosniff")
                #expect(page.header("X-Frame-Options") == "DENY")
                #expect(page.header("Cache-Control") == "no-store")
                #expect(page.header("Cross-Origin-Opener-Policy") == "same-origin")
                #expect(page.header("Referrer-Policy") == "same-origin", "no referrer leaves the site, and forms keep their Origin")
                #expect(page.header("Permissions-Policy")?.contains("camera=()") == true)
                #expect(page.header("Strict-Transport-Security") != nil)
                #expect(page.text.matches(of: /<script(?![^>]*\bsrc=)/).isEmpty, "no inline script")
                #expect(!page.text.contains("http://") && !page.text.contains("https://"), "nothing from elsewhere")
                // The assets are ours, hashed and immutable.
                let css = try #require(WebClient.attribute("href", ofFirst: "rel=\"stylesheet\"", in: page.text))
                let asset = try await server.client.get(css)
                #expect(asset.status == 200)
                #expect(asset.header("Cache-Control")?.contains("immutable") == true)
                #expect(try await server.client.get("/web/assets/haven-0000000000000000.css").status == 404)
            }
        }
    }

    @Test func formsWithoutTheirTokenOrFromAnotherSiteOrMalformedAreRefusedWithAPage() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                _ = try await server.signUp(email: "amina@example.org")
                let web = WebClient(probe: server.client)
                _ = try await web.fill("/web/sign-in", submitTo: "/web/sign-in", [("email", "amina@example.org"), ("password", "a long and unusual passphrase")])
                let home = try await web.get("/web/")
                #expect(home.status == 200)
                let noToken = try await web.submit("/web/sign-out", [])
                #expect(noToken.status == 403)
                #expect(noToken.header("Content-Type")?.hasPrefix("text/html") == true)
                let wrongToken = try await web.submit("/web/sign-out", [("_csrf", "x")])
                #expect(wrongToken.status == 403)
                let crossSite = try await web.submit("/web/sign-out", [], from: home, headers: ["Origin": "https://evil.example"])
                #expect(crossSite.status == 403)
                let json = try await web.submit("/web/language", [("lang", "fr")], from: home, headers: ["Content-Type": "application/json"])
                #expect(json.status == 415)
                let huge = try await web.submit("/web/language", [("lang", "fr"), ("pad", String(repeating: "a", count: 70_000))], from: home)
                #expect(huge.status == 413)
                let malformed = try await web.submit("/web/language", [("_csrf", WebClient.formToken(in: home) ?? ""), ("lang", "fr%ZZ")], from: home)
                #expect(malformed.status == 422)
                #expect(try await web.get("/web/").status == 200, "still signed in")
                // A signed-out visitor's form needs the token of its own cookie.
                let visitor = WebClient(probe: server.client)
                let stranger = try await visitor.submit("/web/sign-in", [("email", "amina@example.org"), ("password", "a long and unusual passphrase")])
                #expect(stranger.status == 403)
                #expect(visitor.cookie("__Host-haven_session") == nil)
                // Unknown pages are a page too.
                let missing = try await web.get("/web/no-such/page")
                #expect(missing.status == 404)
                #expect(missing.header("Content-Type")?.hasPrefix("text/html") == true)
                #expect(missing.text.contains("<h1>"))
            }
        }
    }
}
