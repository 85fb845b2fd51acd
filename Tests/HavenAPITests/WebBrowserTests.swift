import Foundation
import HavenAPI
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// The web interface in a real headless Chromium (Debian's chromium and chromium-driver, driven
/// by Selenium from `Fixtures/web/browser_flow.py`): the whole flow of issue 11 in English and in
/// Arabic, with JavaScript on and off, every page checked for accessibility (axe-core and our own
/// checks), CSP violations and its language and direction. Screenshots of the topic page are
/// kept in `.build/artefacts/web/`.
@Suite(.serialized) struct WebBrowserTests {
    static let artefacts = PythonTools.root.appending(path: ".build/artefacts/web")

    @Test(arguments: [("en", true), ("ar", true), ("en", false), ("ar", false)])
    func theWholeFlowWorksInABrowser(language: String, javascript: Bool) async throws {
        let python = try #require(PythonTools.python, "run scripts/python-tools")
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"), "install chromium-driver")
        try FileManager.default.createDirectory(at: Self.artefacts, withIntermediateDirectories: true)
        try await TestDatabase.with { database in
            // Default forum settings: a new member's topic waits for a moderator.
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let pool = server.services.pool
                let (admin, adminSecret) = try await server.administrator()
                let (_, moderatorSecret) = try await server.staff(email: "moderator@haven.test", role: .moderator)
                let member = try await server.signUp(email: "amina@example.org", name: "Amina Haddad")
                let enrolment = try await member.send("POST", "/me/two-factor")
                let memberSecret = try #require(enrolment.json["secret"] as? String)
                #expect(try await member.send("POST", "/me/two-factor/confirm", json: ["code": server.totp(memberSecret)]).status == 200)
                let other = try await server.signUp(email: "li.wei@example.org", name: "Li Wei")
                _ = try await server.signUp(email: "target@example.org", name: "Tomás Target")
                let proposed = try await other.send("POST", "/organisations", json: ["names": ["en": "Voices"], "country": "KE", "kind": "youth-led"])
                let organisation = try #require(proposed.json["id"] as? String, "\(proposed.text)")
                #expect(try await admin.send("POST", "/organisations/\(organisation.lowercased())/approve").status == 204)
                // Everyone reads Haven in the run's language (the member's preference decides once signed in).
                try await pool.execute("UPDATE accounts SET language = \(language)")
                let category = try #require(try await pool.query("SELECT id FROM forum_categories WHERE slug = 'human-rights'").first?.decode(column: 0, as: UUID.self))

                let folder = FileManager.default.temporaryDirectory.appending(path: "browser-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: folder) }
                let document = folder.appending(path: "good-practice.txt")
                try Data("Good practice: listen first.\n".utf8).write(to: document)
                let strings = WebCatalogue.embedded.table(try #require(WebLanguage(language)))
                let password = "a long and unusual passphrase"
                func person(_ email: String, _ name: String, secret: String? = nil) -> [String: Any] {
                    var person: [String: Any] = ["email": email, "name": name, "password": password]
                    if let secret { person["totp_secret"] = secret; person["totp_offset"] = 1 }
                    return person
                }
                let config: [String: Any] = [
                    "base": server.baseURL.absoluteString, "certificate": TestCertificate.files.certificate,
                    "language": language, "javascript": javascript, "artefacts": Self.artefacts.path,
                    "report": folder.appending(path: "report.json").path,
                    "people": [
                        "admin": person("admin@haven.test", "Staff", secret: adminSecret),
                        "moderator": person("moderator@haven.test", "Staff", secret: moderatorSecret),
                        "member": person("amina@example.org", "Amina Haddad", secret: memberSecret),
                        "other": person("li.wei@example.org", "Li Wei"),
                        "disabled": person("target@example.org", "Tomás Target"),
                    ],
                    "category_id": category.uuidString.lowercased(), "organisation_id": organisation.lowercased(),
                    "topic_title": language == "ar" ? "تجارب في دعم الضحايا" : "Supporting survivors: what worked",
                    "topic_body": language == "ar" ? "نشارك ما تعلمناه هذا العام." : "We share what we learnt this year.",
                    "reply_body": language == "ar" ? "شكرًا على المشاركة." : "Thank you for sharing this.",
                    "document_title": language == "ar" ? "دليل الممارسات الجيدة" : "Good practice guide",
                    "document_path": document.path,
                    "strings": strings,
                    // Every page (GET) of the interface but the assets and the sign-in form (signed in, it redirects).
                    "pages": WebInterface.routes(services: server.services).filter { $0.key.hasPrefix("get ") }.map(\.path)
                        .filter { !$0.hasPrefix("/web/assets/") && $0 != "/web/sign-in" }.sorted(),
                ]
                let configFile = folder.appending(path: "config.json")
                try JSONSerialization.data(withJSONObject: config).write(to: configFile)
                let script = PythonTools.root.appending(path: "Tests/HavenAPITests/Fixtures/web/browser_flow.py").path
                let (status, output) = try await ChildProcess.run(python, [script, configFile.path])
                let report = (try? Data(contentsOf: folder.appending(path: "report.json")))
                    .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
                let failures = report["failures"] as? [String] ?? ["no report: \(output.suffix(2_000))"]
                #expect(status == 0 && failures.isEmpty, "\(language), JavaScript \(javascript ? "on" : "off"), exit \(status):\n\(failures.joined(separator: "\n"))\n\(failures.isEmpty ? String(output.suffix(3_000)) : "")")
                #expect((report["pages"] as? [String] ?? []).count >= 50, "the flow went through its pages: \(report["pages"] ?? "none")")

                // What the browser did happened: the topic is published, the document stored, the account disabled.
                let published = try await pool.query("SELECT count(*)::int FROM forum_topics WHERE state = 'published' AND title = \(config["topic_title"] as? String ?? "")").first?.decode(column: 0, as: Int.self)
                #expect(published == 1)
                let disabled = try await pool.query("SELECT status FROM accounts WHERE email = 'target@example.org'").first?.decode(column: 0, as: String.self)
                #expect(disabled == "disabled")
                if let screenshot = report["screenshot"] as? String {
                    #expect(FileManager.default.fileExists(atPath: screenshot))
                }
            }
        }
    }
}
