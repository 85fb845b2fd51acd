import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// What comes with a consultation and what comes out of it, over HTTPS: documents on
/// contributions, the staff export (CSV and a streamed ZIP, read back by Python), the synthesis
/// and consented contributions after closing, and the reminder before the deadline.
@Suite struct ConsultationExportTests {
    /// Runs Python on `script` with `arguments`; returns its exit status and output.
    static func python(_ script: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let output = FileManager.default.temporaryDirectory.appending(path: "python-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: output) }
        let child = try ChildProcess("/usr/bin/python3", ["-c", script] + arguments, output: output.path)
        let status = await child.wait()
        return (status, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    /// Uploads `text` as a document of `organisation`'s own space.
    static func upload(_ text: String, named filename: String, to organisation: String, by client: SessionClient) async throws -> String {
        let created = try await client.uploadRaw(
            Data(text.utf8), metadata: ["space": "organisation", "space_id": organisation, "titles": ["en": filename], "language": "en", "filename": filename]
        )
        return try #require(created.json["id"] as? String, "\(created.text)")
    }

    @Test func staffExportExactlyTheSubmittedContributionsWithTheirDocuments() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let pool = database.pool
                let (staff, _) = try await server.administrator()
                let kenyaAdmin = try await server.signUp(email: "ke-admin@example.org", name: "Wanjiru")
                let kenyaMember = try await server.signUp(email: "ke-member@example.org", name: "Otieno")
                let jordanAdmin = try await server.signUp(email: "jo-admin@example.org", name: "Rania")
                let draftAdmin = try await server.signUp(email: "ng-admin@example.org", name: "Chidi")
                let kenya = try await ConsultationAPITests.organisation("Kenya CSO", country: "KE", admin: kenyaAdmin, members: [kenyaMember], approvedBy: staff, pool: pool)
                let jordan = try await ConsultationAPITests.organisation("جمعية الأردن", country: "JO", admin: jordanAdmin, members: [], approvedBy: staff, pool: pool)
                let nigeria = try await ConsultationAPITests.organisation("Nigeria CSO", country: "NG", admin: draftAdmin, members: [], approvedBy: staff, pool: pool)
                let created = try await staff.send("POST", "/consultations", json: ConsultationAPITests.draft(audience: ["countries": ["KE", "JO", "NG"]]))
                let id = try #require(created.json["id"] as? String, "\(created.text)")

                // Staff attach a background paper from the library; not an organisation's document.
                let paper = try #require(try await staff.uploadRaw(Data("Background.\n".utf8), metadata: libraryMetadata("Background")).json["id"] as? String)
                let attached = try await staff.send("PUT", "/consultations/\(id)/documents/\(paper)")
                #expect(attached.status == 200 && attached.json["documents"] as? [String] == [paper], "\(attached.text)")
                #expect((try await kenyaMember.send("GET", "/consultations/\(id)").json["documents"] as? [String]) == [paper])

                // Kenya's members attach two of Kenya's documents; not Jordan's, nor the library's.
                let report = try await Self.upload("Mothers' circles in Mombasa.\n", named: "report.txt", to: kenya, by: kenyaMember)
                let annex = try await Self.upload("Annex: figures.\n", named: "annex.txt", to: kenya, by: kenyaAdmin)
                let jordanNote = try await Self.upload("Jordan's own note.\n", named: "note.txt", to: jordan, by: jordanAdmin)
                let draftNote = try await Self.upload("Not submitted.\n", named: "draft.txt", to: nigeria, by: draftAdmin)
                // (Each by its uploader: until a moderator approves it, nobody else but staff reads it.)
                for (client, document) in [(kenyaMember, report), (kenyaAdmin, annex)] {
                    let reply = try await client.send("PUT", "/consultations/\(id)/contributions/\(kenya)/documents/\(document)")
                    #expect(reply.status == 200, "\(reply.text)")
                }
                #expect(try await kenyaMember.send("PUT", "/consultations/\(id)/contributions/\(kenya)/documents/\(jordanNote)").status == 404)
                let library = try await kenyaMember.send("PUT", "/consultations/\(id)/contributions/\(kenya)/documents/\(paper)")
                #expect(library.status == 422 && library.json["type"] as? String == "urn:haven:problem:invalid-input", "\(library.text)")
                #expect(try await jordanAdmin.send("PUT", "/consultations/\(id)/contributions/\(kenya)/documents/\(jordanNote)").status == 404)
                let mine = try await kenyaMember.send("GET", "/consultations/\(id)/contributions/\(kenya)")
                #expect((mine.json["documents"] as? [[String: Any]])?.compactMap { $0["document_id"] as? String } == [report, annex])

                // Kenya answers (one answer looks like a formula) and submits; Jordan submits in
                // Arabic without documents; Nigeria only drafts, with a document.
                #expect(try await kenyaMember.send("PUT", "/consultations/\(id)/contributions/\(kenya)", json: [
                    "answers": ["q1": "=HYPERLINK(\"http://evil.example\",\"click\")", "q2": "yes"],
                ]).status == 200)
                #expect(try await kenyaAdmin.send("POST", "/consultations/\(id)/contributions/\(kenya)/submit").status == 200)
                let frozen = try await kenyaMember.send("DELETE", "/consultations/\(id)/contributions/\(kenya)/documents/\(annex)")
                #expect(frozen.status == 409 && frozen.json["type"] as? String == "urn:haven:problem:contribution-submitted")
                #expect(try await jordanAdmin.send("PUT", "/consultations/\(id)/contributions/\(jordan)", json: ["answers": ["q1": "دوائر الأمهات، والمدارس"]]).status == 200)
                #expect(try await jordanAdmin.send("POST", "/consultations/\(id)/contributions/\(jordan)/submit").status == 200)
                #expect(try await draftAdmin.send("PUT", "/consultations/\(id)/contributions/\(nigeria)", json: ["answers": ["q1": "A draft only"]]).status == 200)
                #expect(try await draftAdmin.send("PUT", "/consultations/\(id)/contributions/\(nigeria)/documents/\(draftNote)").status == 200)
                // A newer version of a submitted document does not change what was submitted.
                #expect(try await kenyaMember.uploadRaw(Data("Rewritten after the deadline.\n".utf8), metadata: ["filename": "report.txt"], to: "/documents/\(report)/versions").status == 201)

                // Members cannot export.
                for path in ["contributions.csv", "contributions.zip"] {
                    #expect(try await kenyaAdmin.send("GET", "/consultations/\(id)/\(path)").status == 403)
                }

                // The CSV: Kenya and Jordan, in order of submission, nothing of Nigeria's draft.
                let csv = try await staff.send("GET", "/consultations/\(id)/contributions.csv")
                #expect(csv.status == 200 && csv.header("content-type") == "text/csv; charset=utf-8")
                #expect(csv.header("content-disposition") == "attachment; filename=\"consultation-\(id).csv\"")
                #expect(csv.header("cache-control") == "no-store")  // personal data, and shared computers
                let folder = FileManager.default.temporaryDirectory.appending(path: "export-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: folder) }
                try csv.body.write(to: folder.appending(path: "answers.csv"))
                let rows = try await Self.python(
                    "import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline='')))))",
                    [folder.appending(path: "answers.csv").path]
                )
                let table = try #require(try JSONSerialization.jsonObject(with: Data(rows.output.utf8)) as? [[String]], "\(rows.output)")
                #expect(table.first == ["organisation_id", "organisation", "country", "submitted_at", "publication", "documents", "q1: What works?", "q2: Shrinking civic space?"])
                #expect(table.dropFirst().map { [$0[0], $0[1], $0[2], $0[5], $0[6], $0[7]] } == [
                    [kenya, "Kenya CSO", "KE", "2", "'=HYPERLINK(\"http://evil.example\",\"click\")", "yes"],
                    [jordan, "جمعية الأردن", "JO", "0", "دوائر الأمهات، والمدارس", ""],
                ])

                // The ZIP: answers.csv, then Kenya's two documents as submitted; Python checks every CRC.
                let zip = try await staff.send("GET", "/consultations/\(id)/contributions.zip")
                #expect(zip.status == 200 && zip.header("content-type") == "application/zip")
                try zip.body.write(to: folder.appending(path: "export.zip"))
                let listing = try await Self.python(
                    """
                    import sys, zipfile
                    with zipfile.ZipFile(sys.argv[1]) as z:
                        assert z.testzip() is None
                        for info in z.infolist():
                            print(info.filename + "|" + z.read(info).decode("utf-8-sig").replace("\\r\\n", "/").replace("\\n", "/"))
                    """,
                    [folder.appending(path: "export.zip").path]
                )
                #expect(listing.status == 0, "\(listing.output)")
                let entries = listing.output.split(separator: "\n").map(String.init)
                let kenyaFolder = "Kenya CSO (\(kenya.prefix(8)))"
                #expect(entries.count == 3, "\(entries)")
                #expect(entries.first?.hasPrefix("answers.csv|organisation_id,") == true)
                #expect(Array(entries.dropFirst()) == ["\(kenyaFolder)/report.txt|Mothers' circles in Mombasa./", "\(kenyaFolder)/annex.txt|Annex: figures./"])
                #expect(!listing.output.contains("Not submitted") && !listing.output.contains("A draft only") && !listing.output.contains("Rewritten"))

                // Both exports are in the audit log, with the staff member who made them.
                let audited = try await pool.query(
                    "SELECT details->>'format' FROM audit_log WHERE action = 'consultation.export' AND target = \("consultation:\(id)") ORDER BY id"
                ).map { try $0.decode(column: 0, as: String.self) }
                #expect(audited == ["csv", "zip"])
            }
        }
    }

    @Test func afterClosingTheAudienceReadsTheSynthesisAndOnlyConsentedContributions() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let pool = database.pool
                let (staff, _) = try await server.administrator()
                let kenyaAdmin = try await server.signUp(email: "ke-admin@example.org", name: "Wanjiru")
                let jordanAdmin = try await server.signUp(email: "jo-admin@example.org", name: "Rania")
                let brazilAdmin = try await server.signUp(email: "br-admin@example.org", name: "Ana")
                let peruAdmin = try await server.signUp(email: "pe-admin@example.org", name: "Rosa")
                let kenya = try await ConsultationAPITests.organisation("Kenya CSO", country: "KE", admin: kenyaAdmin, members: [], approvedBy: staff, pool: pool)
                let jordan = try await ConsultationAPITests.organisation("Jordan CSO", country: "JO", admin: jordanAdmin, members: [], approvedBy: staff, pool: pool)
                let brazil = try await ConsultationAPITests.organisation("Brazil CSO", country: "BR", admin: brazilAdmin, members: [], approvedBy: staff, pool: pool)
                _ = try await ConsultationAPITests.organisation("Peru CSO", country: "PE", admin: peruAdmin, members: [], approvedBy: staff, pool: pool)
                let created = try await staff.send("POST", "/consultations", json: ConsultationAPITests.draft(audience: ["countries": ["KE", "JO", "BR"]]))
                let id = try #require(created.json["id"] as? String, "\(created.text)")
                for (client, organisation, answer, publication) in [
                    (kenyaAdmin, kenya, "Named answer", "named"), (jordanAdmin, jordan, "Anonymous answer", "anonymous"), (brazilAdmin, brazil, "Private answer", "none"),
                ] {
                    #expect(try await client.send("PUT", "/consultations/\(id)/contributions/\(organisation)", json: ["answers": ["q1": answer]]).status == 200)
                    #expect(try await client.send("POST", "/consultations/\(id)/contributions/\(organisation)/submit").status == 200)
                    #expect(try await client.send("PUT", "/consultations/\(id)/contributions/\(organisation)/publication", json: ["publication": publication]).status == 200)
                }

                // While open: no synthesis, and nothing published yet.
                let early = try await staff.send("PUT", "/consultations/\(id)/synthesis", json: ["texts": ["en": "What we heard."]])
                #expect(early.status == 409 && early.json["type"] as? String == "urn:haven:problem:consultation-not-closed", "\(early.text)")
                #expect((try await brazilAdmin.send("GET", "/consultations/\(id)/published").json["contributions"] as? [Any])?.isEmpty == true)

                try await pool.execute("UPDATE consultations SET opens_at = now() - interval '2 days', closes_at = now() - interval '1 minute' WHERE id = \(UUID(uuidString: id))")
                #expect(try await brazilAdmin.send("PUT", "/consultations/\(id)/synthesis", json: ["texts": ["en": "Mine."]]).status == 403)
                let bad = try await staff.send("PUT", "/consultations/\(id)/synthesis", json: ["texts": ["de": "Was wir hörten."]])
                #expect(bad.status == 422, "\(bad.text)")
                let published = try await staff.send("PUT", "/consultations/\(id)/synthesis", json: ["texts": ["en": "What we heard.", "ar": "ما سمعناه."]])
                #expect(published.status == 200 && (published.json["synthesis"] as? [String: String])?["ar"] == "ما سمعناه.", "\(published.text)")
                #expect((try await brazilAdmin.send("GET", "/consultations/\(id)").json["synthesis"] as? [String: String])?["en"] == "What we heard.")

                // The audience reads Kenya's with its name, Jordan's without, Brazil's not at all.
                let read = try await brazilAdmin.send("GET", "/consultations/\(id)/published")
                let items = try #require(read.json["contributions"] as? [[String: Any]], "\(read.text)")
                #expect(items.count == 2)
                #expect(items.first?["organisation_id"] as? String == kenya && (items.first?["answers"] as? [String: String])?["q1"] == "Named answer")
                #expect(items.last?["organisation_id"] == nil && items.last?["organisation_names"] == nil)
                #expect((items.last?["answers"] as? [String: String])?["q1"] == "Anonymous answer")
                #expect(!read.text.contains("Private answer") && !read.text.contains(jordan) && !read.text.contains("Jordan"))
                // Outside the audience: not found.
                #expect(try await peruAdmin.send("GET", "/consultations/\(id)/published").status == 404)
                let audited = try await pool.query(
                    "SELECT count(*)::int FROM audit_log WHERE action = 'consultation.synthesis.publish' AND target = \("consultation:\(id)")"
                ).first?.decode(column: 0, as: Int.self)
                #expect(audited == 1)
            }
        }
    }

    @Test func membersOfOrganisationsThatHaveNotSubmittedAreRemindedOnce() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let pool = database.pool
                let (staff, _) = try await server.administrator()
                let kenyaAdmin = try await server.signUp(email: "ke-admin@example.org", name: "Wanjiru")
                let kenyaMember = try await server.signUp(email: "ke-member@example.org", name: "Otieno")
                let jordanAdmin = try await server.signUp(email: "jo-admin@example.org", name: "Rania")
                let brazilAdmin = try await server.signUp(email: "br-admin@example.org", name: "Ana")
                let kenya = try await ConsultationAPITests.organisation("Kenya CSO", country: "KE", admin: kenyaAdmin, members: [kenyaMember], approvedBy: staff, pool: pool)
                let jordan = try await ConsultationAPITests.organisation("Jordan CSO", country: "JO", admin: jordanAdmin, members: [], approvedBy: staff, pool: pool)
                _ = try await ConsultationAPITests.organisation("Brazil CSO", country: "BR", admin: brazilAdmin, members: [], approvedBy: staff, pool: pool)
                let closes: TimeInterval = 10 * 86_400
                let created = try await staff.send("POST", "/consultations", json: ConsultationAPITests.draft(audience: ["countries": ["KE", "JO"]], closes: closes))
                let id = try #require(created.json["id"] as? String, "\(created.text)")
                #expect(try await jordanAdmin.send("POST", "/consultations/\(id)/contributions/\(jordan)/submit").status == 200)
                _ = kenya

                // Ten days ahead: too early. Two days before the deadline (an injected clock): once.
                let consultations = server.services.consultations
                #expect(try await consultations.sendReminders(now: Date()) == 0)
                let soon = Date().addingTimeInterval(closes - 2 * 86_400)
                #expect(try await consultations.sendReminders(now: soon) == 1)
                #expect(try await consultations.sendReminders(now: soon.addingTimeInterval(3_600)) == 0)

                func reminders(_ client: SessionClient) async throws -> [[String: Any]] {
                    let inbox = try await client.send("GET", "/me/notifications")
                    return (inbox.json["items"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "consultation-reminder" }
                }
                for client in [kenyaAdmin, kenyaMember] {
                    let items = try await reminders(client)
                    #expect(items.count == 1)
                    let subject = items.first?["subject"] as? [String: Any]
                    #expect(subject?["kind"] as? String == "consultation" && subject?["id"] as? String == id)
                }
                // Jordan submitted; Brazil was not asked.
                #expect(try await reminders(jordanAdmin).isEmpty)
                #expect(try await reminders(brazilAdmin).isEmpty)
            }
        }
    }

    @Test func theExportStreamsAtTheClientsPaceWhateverTheNumberOfDocuments() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), documents: smallChunks()) { server in
                let pool = database.pool
                let (staff, _) = try await server.administrator()
                // Four organisations, each submitting two documents of 6 MiB: 48 MiB in 192 chunks.
                let size = 6 << 20
                let line = "Testimony collected in the field, transcribed and checked.\n"
                let text = String(String(repeating: line, count: size / line.utf8.count + 1).prefix(size))
                var id = ""
                var documents = 0
                for index in 0..<4 {
                    let admin = try await server.signUp(email: "admin\(index)@example.org", name: "Admin \(index)")
                    let organisation = try await ConsultationAPITests.organisation("Organisation \(index)", country: "KE", admin: admin, members: [], approvedBy: staff, pool: pool)
                    if id.isEmpty {  // once the first organisation exists: an audience must select one
                        let opened = try await staff.send("POST", "/consultations", json: ConsultationAPITests.draft(audience: ["all": true]))
                        id = try #require(opened.json["id"] as? String, "\(opened.text)")
                    }
                    for part in 0..<2 {
                        let document = try await Self.upload(text, named: "testimony-\(part).txt", to: organisation, by: admin)
                        #expect(try await admin.send("PUT", "/consultations/\(id)/contributions/\(organisation)/documents/\(document)").status == 200)
                        documents += 1
                    }
                    #expect(try await admin.send("POST", "/consultations/\(id)/contributions/\(organisation)/submit").status == 200)
                }
                let chunks = documents * size / smallChunks().chunkSize

                // A client that reads one mebibyte, stops for eight seconds, then reads the rest.
                let before = server.services.documents.chunksRead
                let client = try await PausingClient.start(server, path: "/consultations/\(id)/contributions.zip", token: staff.sessionToken)
                #expect(client.log.contains("paused"), "\(client.log)")
                // While the client does not read, the export stops reading chunks: it holds what the
                // socket buffers and one document's read-ahead hold, not the documents.
                let (during, stable) = try await settled { server.services.documents.chunksRead - before }
                #expect(stable, "the export kept reading while the client paused: \(during) chunks")
                // (Measured: 47 of 192 chunks, as for one large file.)
                #expect(during > 0 && during < chunks / 2, "read \(during) of \(chunks) chunks for a client that took 1 MiB")
                let total = await client.finish() ?? 0
                #expect(total > documents * size, "\(client.log)")
                #expect(server.services.documents.chunksRead - before == chunks)
            }
        }
    }
}
