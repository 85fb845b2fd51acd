import Foundation
import HavenAPI
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// The document pages: the library, the upload form (multipart, streamed as the API's), a
/// document's page with its versions and downloads, new versions and deletion.
@Suite struct WebDocumentPagesTests {
    static let password = "a long and unusual passphrase"

    /// A web client signed in as `email` (an account made with `server.signUp`).
    static func signedIn(_ server: TestServer, _ email: String) async throws -> WebClient {
        let web = WebClient(probe: server.client)
        let reply = try await web.fill("/web/sign-in", submitTo: "/web/sign-in", [("email", email), ("password", Self.password)])
        #expect(reply.status == 303, "\(email) signs in: \(reply.text)")
        return web
    }

    /// Uploads through the form at /web/documents/new, as a browser sends it.
    static func upload(
        _ web: WebClient, title: String, space: String = "library", filename: String = "notes.txt", data: Data?
    ) async throws -> HTTPProbe.Reply {
        let form = try await web.get("/web/documents/new")
        #expect(form.status == 200)
        let token = try #require(Self.actionToken(form))
        return try await web.upload(
            "/web/documents?_csrf=\(token)", fields: [("title", title), ("language", "en"), ("space", space)],
            file: data.map { (field: "file", filename: filename, data: $0) }
        )
    }

    /// The upload form's token, from its action.
    static func actionToken(_ page: HTTPProbe.Reply) -> String? {
        guard let action = WebClient.attribute("action", ofFirst: "enctype=\"multipart/form-data\"", in: page.text),
            let range = action.range(of: "?_csrf=")
        else { return nil }
        return String(action[range.upperBound...])
    }

    @Test func aMemberUploadsThroughTheFormDownloadsTheBytesBackAndAddsAVersion() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums(), documents: smallChunks()) { server in
                _ = try await server.signUp(email: "writer@example.org")
                let web = try await Self.signedIn(server, "writer@example.org")
                let form = try await web.get("/web/documents/new")
                #expect(form.text.contains("enctype=\"multipart/form-data\""))
                #expect(form.text.contains("id=\"file\"") && form.text.contains("id=\"title\"") && form.text.contains("id=\"language\"") && form.text.contains("id=\"space\""))
                #expect(Self.actionToken(form) == WebClient.formToken(in: form), "the multipart form carries its token in its action")

                let first = Data("Field notes from the workshop in Mosul.\n".utf8)
                let uploaded = try await Self.upload(web, title: "Workshop notes", data: first)
                #expect(uploaded.status == 303, "\(uploaded.text)")
                let location = try #require(uploaded.header("Location"))
                // A member's upload to the library waits for a moderator.
                #expect(location.hasSuffix("?done=document-pending"), "\(location)")
                let id = String(try #require(location.split(separator: "/").last?.split(separator: "?").first))
                let state = try await server.services.pool.query(
                    "SELECT state FROM document_versions WHERE document_id = \(UUID(uuidString: id)) AND version = 1"
                ).first?.decode(column: 0, as: String.self)
                #expect(state == "pending")

                let page = try await web.get(location)
                #expect(page.status == 200, "\(page.text)")
                #expect(page.text.contains("Workshop notes"))
                #expect(page.text.contains("role=\"status\""), "the notice shows")
                #expect(!page.text.contains("<title>Workshop notes"), "no document title in <title>")
                let link = "/documents/\(id)/versions/1/content"
                #expect(page.text.contains("href=\"\(link)\""))
                let download = try await web.get(link)
                #expect(download.status == 200, "\(download.text)")
                #expect(download.body == first)
                #expect(download.header("Content-Disposition")?.hasPrefix("attachment;") == true)

                let second = Data("Field notes, corrected after the review.\n".utf8)
                let token = try #require(Self.actionToken(page))
                let version = try await web.upload("/web/documents/\(id)/versions?_csrf=\(token)", fields: [], file: ("file", "notes-2.txt", second))
                #expect(version.status == 303, "\(version.text)")
                #expect(version.header("Location") == "/web/documents/\(id)?done=version-pending")
                let again = try await web.get("/web/documents/\(id)")
                #expect(again.text.contains("href=\"/documents/\(id)/versions/2/content\""))
                #expect(try await web.get("/documents/\(id)/versions/2/content").body == second)

                let library = try await web.get("/web/documents")
                #expect(library.status == 200)
                #expect(library.text.contains("href=\"/web/documents/\(id)\""))
                #expect(library.text.contains("href=\"/web/documents/new\""))
                #expect(library.text.contains("href=\"/web/documents\" aria-current=\"page\""), "the navigation marks the library")
            }
        }
    }

    @Test func theUploadFormRefusesWhatItCannotStoreWithAMessageAndNeverA500() async throws {
        var documents = smallChunks()
        documents.maximumFileSize = 4 * 1024
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums(), documents: documents) { server in
                _ = try await server.signUp(email: "writer@example.org")
                let web = try await Self.signedIn(server, "writer@example.org")

                let noFile = try await Self.upload(web, title: "Notes", data: nil)
                #expect(noFile.status == 422, "\(noFile.text)")
                #expect(noFile.text.contains("Choose a file to upload.") && noFile.text.contains("id=\"file\""))

                let tooLarge = try await Self.upload(web, title: "Big", data: Data(repeating: 0x61, count: 64 * 1024))
                #expect(tooLarge.status == 413, "\(tooLarge.text)")
                #expect(tooLarge.text.contains("The file is larger than allowed (4 KB)."), "\(tooLarge.text)")

                // Past 1 MiB the rest of the body is not read; the page still goes out.
                let huge = try await Self.upload(web, title: "Huge", data: Data(repeating: 0x61, count: 3 << 20))
                #expect(huge.status == 413, "\(huge.text)")
                #expect(huge.text.contains("The file is larger than allowed (4 KB)."))

                let html = try DocumentFixtures.data("page.html")
                let refused = try await Self.upload(web, title: "A page", filename: "page.pdf", data: html)
                #expect(refused.status == 415, "\(refused.text)")
                #expect(refused.text.contains("This type of file is not accepted."))
                #expect(refused.text.contains("value=\"A page\""), "what was entered stays")

                let noTitle = try await Self.upload(web, title: " ", data: Data("text\n".utf8))
                #expect(noTitle.status == 422)
                #expect(noTitle.text.contains("Give the document a title."))

                let badSpace = try await Self.upload(web, title: "Notes", space: "organisation:\(UUID())", data: Data("text\n".utf8))
                #expect(badSpace.status == 422, "an organisation one does not belong to is not a choice")

                let forged = try await web.upload(
                    "/web/documents?_csrf=forged", fields: [("title", "Notes"), ("language", "en"), ("space", "library")],
                    file: ("file", "notes.txt", Data("text\n".utf8))
                )
                #expect(forged.status == 403)
                let urlencoded = try await web.submit("/web/documents", [("title", "Notes")], from: try await web.get("/web/documents/new"))
                #expect(urlencoded.status == 415, "\(urlencoded.status)")
                #expect(urlencoded.text.contains("id=\"file\""))

                let stored = try await server.services.pool.query("SELECT count(*)::int FROM documents").first?.decode(column: 0, as: Int.self)
                #expect(stored == 0)
            }
        }
    }

    @Test func anOrganisationsDocumentIsHiddenFromMembersOfAnotherAndOnlyItsUploaderMayDeleteIt() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let (admin, _) = try await server.administrator()
                let founder = try await server.signUp(email: "founder@example.org", name: "Founder")
                _ = try await server.signUp(email: "outsider@example.org", name: "Outsider")
                let proposed = try await founder.send(
                    "POST", "/organisations",
                    json: ["names": ["en": "Voices of Survivors", "fr": "Voix des survivants"], "country": "iq", "kind": "victims-association",
                           "thematic_areas": ["victims-of-terrorism"], "profile": "Support for survivors."]
                )
                #expect(proposed.status == 201, "\(proposed.text)")
                let organisation = try #require(proposed.json["id"] as? String).lowercased()
                #expect(try await admin.send("POST", "/organisations/\(organisation)/approve").status == 204)

                let web = try await Self.signedIn(server, "founder@example.org")
                let form = try await web.get("/web/documents/new")
                #expect(form.text.contains("value=\"organisation:\(organisation)\""))
                #expect(form.text.contains("Voices of Survivors"))
                let uploaded = try await Self.upload(web, title: "Internal plan", space: "organisation:\(organisation)", data: Data("Our plan.\n".utf8))
                #expect(uploaded.status == 303, "\(uploaded.text)")
                let location = try #require(uploaded.header("Location"))
                let id = String(try #require(location.split(separator: "/").last?.split(separator: "?").first))
                // Approved, so that only the organisation's walls keep it from the outsider.
                let approved = try await admin.send("POST", "/moderation/documents/\(id)/versions/1/decision", json: ["decision": "approve"])
                #expect(approved.status == 200, "\(approved.text)")

                let outsider = try await Self.signedIn(server, "outsider@example.org")
                #expect(try await outsider.get("/web/documents/\(id)").status == 404)
                #expect(try await outsider.get("/documents/\(id)/versions/1/content").status == 404)
                #expect(!(try await outsider.get("/web/documents").text.contains(id)))
                let home = try await outsider.get("/web/")
                #expect(try await outsider.submit("/web/documents/\(id)/delete", [("confirm", "yes")], from: home).status == 404)

                let page = try await web.get("/web/documents/\(id)")
                #expect(page.status == 200)
                #expect(page.text.contains("Voices of Survivors"))
                #expect(page.text.contains("action=\"/web/documents/\(id)/delete\""))
                let unconfirmed = try await web.submit("/web/documents/\(id)/delete", [], from: page)
                #expect(unconfirmed.status == 422)
                #expect(unconfirmed.text.contains("Tick the box to confirm the deletion."))
                let deleted = try await web.submit("/web/documents/\(id)/delete", [("confirm", "yes")], from: page)
                #expect(deleted.status == 303)
                #expect(deleted.header("Location") == "/web/documents?done=document-deleted")
                #expect(try await web.get("/web/documents/\(id)").status == 404)
            }
        }
    }

    @Test func aMemberWhoDidNotUploadADocumentSeesNoFormsToChangeItAndIsRefused() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let (admin, _) = try await server.administrator()
                _ = try await server.signUp(email: "writer@example.org")
                _ = try await server.signUp(email: "reader@example.org")
                let writer = try await Self.signedIn(server, "writer@example.org")
                let uploaded = try await Self.upload(writer, title: "Public guide", data: Data("A guide.\n".utf8))
                let id = String(try #require(uploaded.header("Location")?.split(separator: "/").last?.split(separator: "?").first))
                #expect(try await admin.send("POST", "/moderation/documents/\(id)/versions/1/decision", json: ["decision": "approve"]).status == 200)

                let reader = try await Self.signedIn(server, "reader@example.org")
                let page = try await reader.get("/web/documents/\(id)")
                #expect(page.status == 200)
                #expect(page.text.contains("Public guide"))
                #expect(!page.text.contains("/delete\"") && !page.text.contains("/versions?_csrf="))
                #expect(try await reader.submit("/web/documents/\(id)/delete", [("confirm", "yes")], from: page).status == 403)
                let token = try #require(WebClient.formToken(in: page))
                let version = try await reader.upload("/web/documents/\(id)/versions?_csrf=\(token)", fields: [], file: ("file", "x.txt", Data("x\n".utf8)))
                #expect(version.status == 403)
                #expect(try await reader.get("/web/documents/not-an-id").status == 404)
            }
        }
    }

    @Test func staffUploadsArePublishedAtOnceAndModeratorsAreToldOfPendingOnes() async throws {
        var accounts = lenientAccounts()
        accounts.requireSecondFactorForStaff = false
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: accounts, forums: lenientForums()) { server in
                _ = try await server.signUp(email: "moderator@haven.test", role: .moderator)
                _ = try await server.signUp(email: "writer@example.org")
                let moderator = try await Self.signedIn(server, "moderator@haven.test")
                let published = try await Self.upload(moderator, title: "Code of conduct", data: Data("Be kind.\n".utf8))
                #expect(published.status == 303, "\(published.text)")
                let location = try #require(published.header("Location"))
                #expect(location.hasSuffix("?done=document-uploaded"), "\(location)")
                let page = try await moderator.get(location)
                #expect(page.text.contains("The document is uploaded and published.") && page.text.contains("Published"))

                let writer = try await Self.signedIn(server, "writer@example.org")
                let pending = try await Self.upload(writer, title: "Draft report", data: Data("Draft.\n".utf8))
                #expect(pending.header("Location")?.hasSuffix("?done=document-pending") == true)
                let inbox = try await moderator.get("/web/notifications")
                #expect(inbox.text.contains("Something is waiting in the moderation queue."))
                #expect(inbox.text.contains("href=\"/web/moderation\""))

                // In Arabic the library reads right to left, in Arabic.
                let switched = try await writer.submit("/web/language", [("lang", "ar"), ("next", "/web/documents")], from: try await writer.get("/web/documents"))
                #expect(switched.status == 303)
                let arabic = try await writer.get("/web/documents")
                #expect(arabic.text.contains("dir=\"rtl\"") && arabic.text.contains("رفع مستند"))
                #expect(arabic.text.contains("Code of conduct") && arabic.text.contains("Draft report"))
            }
        }
    }

    @Test(.enabled(if: TestClamd.isInstalled, "clamd is not installed here; the scan is not tested"))
    func anInfectedFileIsRefusedWithAMessage() async throws {
        let clamd = try await TestClamd.start()
        defer { clamd.stop() }
        try await TestDatabase.with { database in
            var configuration = smallChunks()
            configuration.virusScanner = clamd.scanner
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums(), documents: configuration) { server in
                _ = try await server.signUp(email: "writer@example.org")
                let web = try await Self.signedIn(server, "writer@example.org")
                let infected = try await Self.upload(web, title: "Notes", data: Data(TestClamd.eicar.utf8))
                #expect(infected.status == 422, "\(infected.text)")
                #expect(infected.text.contains("The antivirus found malware in the file; it was not stored."))
                #expect(!infected.text.contains("EICAR"), "the signature is for the log and the audit")
            }
        }
    }
}
