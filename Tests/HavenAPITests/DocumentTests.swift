import Foundation
import HavenCore
import HavenTesting
import OpenSSLTLS
import PostgresClient
import Testing

/// Documents end to end over HTTPS: uploads of every accepted type and refusals of dangerous
/// ones, limits, interrupted uploads, ranges, vetting and versions, deletion and purge,
/// encryption at rest, tampering and master-key rotation.
@Suite struct DocumentTests {
    static let accepted: [(file: String, type: String, mediaType: String)] = [
        ("sample.pdf", "pdf", "application/pdf"),
        ("sample.docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("sample.xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("sample.pptx", "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("sample.odt", "odt", "application/vnd.oasis.opendocument.text"),
        ("sample.ods", "ods", "application/vnd.oasis.opendocument.spreadsheet"),
        ("sample.odp", "odp", "application/vnd.oasis.opendocument.presentation"),
        ("sample.rtf", "rtf", "application/rtf"),
        ("sample.txt", "text", "text/plain; charset=utf-8"),
        ("sample.csv", "csv", "text/csv; charset=utf-8"),
        ("sample.png", "png", "image/png"),
        ("sample.jpg", "jpeg", "image/jpeg"),
        ("sample.webp", "webp", "image/webp"),
    ]

    @Test func everyAcceptedTypeRoundTripsByteForByteAsASafeAttachment() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let (admin, _) = try await server.administrator()
                for (index, sample) in Self.accepted.enumerated() {
                    let original = try DocumentFixtures.data(sample.file)
                    // Alternate the two ways of uploading; the file name says nothing true about the type.
                    let reply = index.isMultiple(of: 2)
                        ? try await admin.uploadForm(file: DocumentFixtures.url(sample.file), filename: "upload.bin", metadata: libraryMetadata(sample.file))
                        : try await admin.uploadRaw(original, metadata: libraryMetadata(sample.file, extra: ["filename": "upload.bin"]))
                    #expect(reply.status == 201, "\(sample.file): \(reply.text)")
                    let latest = reply.json["latest"] as? [String: Any]
                    #expect(latest?["type"] as? String == sample.type, "\(sample.file): \(reply.text)")
                    #expect(latest?["state"] as? String == "approved", "staff uploads skip vetting")
                    let id = try #require(reply.json["id"] as? String)

                    let download = try await admin.fetch("/documents/\(id)/content")
                    #expect(download.status == 200)
                    #expect(download.body == original, "\(sample.file) comes back byte for byte")
                    #expect(download.header("Content-Type") == sample.mediaType)
                    #expect(download.header("Content-Length") == String(original.count))
                    #expect(download.header("ETag") == "\"\(SHA256.hash(original).map { String(format: "%02x", $0) }.joined())\"")
                    #expect(download.header("X-Content-Type-Options") == "nosniff")
                    #expect(download.header("Content-Security-Policy") == "sandbox; default-src 'none'")
                    #expect(download.header("Cache-Control") == "private, no-store")
                    let disposition = download.header("Content-Disposition") ?? ""
                    let ext = sample.type == "jpeg" ? "jpg" : sample.type == "text" ? "txt" : sample.type
                    #expect(disposition.hasPrefix("attachment; filename=\"upload.bin.\(ext)\""), "\(disposition)")
                }
            }
        }
    }

    @Test func dangerousFilesAreRefusedByWhatTheyAreAndLeaveNothingBehind() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let member = try await server.signUp(email: "amina@example.org")
                let refused: [(file: String, detected: String)] = [
                    ("elf-renamed.pdf", "ELF executable"), ("macro.docm", "macro-enabled Word document"), ("page.html", "HTML document"),
                    ("drawing.svg", "SVG image"), ("bomb.zip", "ZIP bomb"), ("plain.zip", "ZIP archive"),
                ]
                for sample in refused {
                    let reply = try await member.uploadForm(file: DocumentFixtures.url(sample.file), metadata: libraryMetadata(sample.file))
                    #expect(reply.status == 415, "\(sample.file): \(reply.status) \(reply.text)")
                    #expect(reply.json["type"] as? String == "urn:haven:problem:file-type-refused")
                    #expect((reply.json["detail"] as? String)?.contains(sample.detected) == true, "\(sample.file): \(reply.text)")
                }
                let rows = try await database.pool.query(
                    "SELECT (SELECT count(*)::int FROM documents), (SELECT count(*)::int FROM document_versions), (SELECT count(*)::int FROM document_chunks)"
                ).first?.decode((Int32, Int32, Int32).self)
                #expect(rows?.0 == 0 && rows?.1 == 0 && rows?.2 == 0, "a refused upload leaves no rows: \(String(describing: rows))")
            }
        }
    }

    @Test func badUploadsGetClearErrors() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let member = try await server.signUp(email: "amina@example.org")
                let text = Data("A short field note.\n".utf8)
                let cases: [(metadata: [String: Any], status: Int, type: String)] = [
                    (["space": "library", "titles": ["en": ""], "language": "en", "filename": "a.txt"], 422, "invalid-input"),
                    (["space": "library", "titles": ["en": "x"], "language": "english", "filename": "a.txt"], 422, "invalid-input"),
                    (["space": "category", "titles": ["en": "x"], "language": "en", "filename": "a.txt"], 422, "invalid-input"),
                    (["space": "category", "space_id": UUID().uuidString, "titles": ["en": "x"], "language": "en", "filename": "a.txt"], 404, "not-found"),
                    (["space": "group", "space_id": UUID().uuidString, "titles": ["en": "x"], "language": "en", "filename": "a.txt"], 404, "not-found"),
                    (["space": "library", "titles": ["en": "x"], "language": "en", "filename": "a.txt", "owner": "me"], 400, "unknown-field"),
                ]
                for (metadata, status, type) in cases {
                    let reply = try await member.uploadRaw(text, metadata: metadata)
                    #expect(reply.status == status, "\(metadata): \(reply.text)")
                    #expect(reply.json["type"] as? String == "urn:haven:problem:\(type)", "\(metadata): \(reply.text)")
                }
                // A form without metadata, a body of the wrong type, malformed metadata JSON, an empty file.
                let noMetadata = try await member.uploadForm(file: DocumentFixtures.url("sample.txt"), metadata: nil)
                #expect(noMetadata.status == 422, "\(noMetadata.text)")
                // A form's metadata goes in its part; the query may not carry another, unchecked.
                let twice = try await member.uploadForm(
                    file: DocumentFixtures.url("sample.txt"), metadata: libraryMetadata("Notes"), to: "/documents?metadata=%7B%7D"
                )
                #expect(twice.status == 422 && twice.json["type"] as? String == "urn:haven:problem:invalid-input", "\(twice.text)")
                let json = try await member.send("POST", "/documents", json: ["titles": ["en": "x"]])
                #expect(json.status == 415 && json.json["type"] as? String == "urn:haven:problem:unsupported-media-type", "\(json.text)")
                let malformed = try await member.probe.send(
                    "POST", "/documents?metadata=%7Bnot%20json", headers: member.authentication.merging(["Content-Type": "application/octet-stream"]) { $1 },
                    body: text
                )
                #expect(malformed.status == 400 && malformed.json["type"] as? String == "urn:haven:problem:malformed-body", "\(malformed.text)")
                // Only the last component of a path-like name is kept, and the extension follows the type.
                let pathlike = try await member.uploadRaw(text, metadata: libraryMetadata("Notes", extra: ["filename": "../../etc/passwd"]))
                #expect((pathlike.json["latest"] as? [String: Any])?["filename"] as? String == "passwd", "\(pathlike.text)")
                let id = try #require(pathlike.json["id"] as? String)
                let saved = try await member.fetch("/documents/\(id)/content")
                #expect(saved.header("Content-Disposition") == "attachment; filename=\"passwd.txt\"; filename*=UTF-8''passwd.txt")
                let empty = try await member.uploadRaw(Data(), metadata: libraryMetadata("Empty", extra: ["filename": "empty.txt"]))
                #expect(empty.status == 415 && (empty.json["detail"] as? String)?.contains("empty file") == true, "\(empty.text)")
                // Unauthenticated: refused before anything is read.
                let anonymous = try await SessionClient(probe: server.client).uploadRaw(text, metadata: libraryMetadata("x", extra: ["filename": "a.txt"]))
                #expect(anonymous.status == 401)
                #expect(try await member.fetch("/documents/not-a-uuid").status == 400)
                #expect(try await member.fetch("/documents/\(UUID().uuidString)/versions/0/content").status == 422)
            }
        }
    }

    @Test func fileSizeAndQuotaAreEnforcedWhileStreaming() async throws {
        try await TestDatabase.with { database in
            var configuration = smallChunks()
            configuration.maximumFileSize = 1024 * 1024
            configuration.quotaPerMember = 1536 * 1024
            try await TestServer.with(database: database, accounts: lenientAccounts(), documents: configuration) { server in
                let member = try await server.signUp(email: "amina@example.org")
                // Built with String's own repetition: element-wise loops over megabytes in a debug
                // build would hold a cooperative thread for seconds and starve the tests around.
                let line = "Field notes from the workshop on victims' support, line after line.\n"
                func text(_ bytes: Int) -> Data { Data(String(repeating: line, count: bytes / line.utf8.count + 1).utf8).prefix(bytes) }

                let oversize = try await member.uploadRaw(text(3 * 1024 * 1024), metadata: libraryMetadata("Too big", extra: ["filename": "big.txt"]))
                #expect(oversize.status == 413, "\(oversize.text)")
                #expect(oversize.json["type"] as? String == "urn:haven:problem:file-too-large")

                // The refusal comes as soon as the limit is passed, and the rest is not read: 64 MiB
                // sent at 4 MB/s would take 16 s; the answer comes well before (half of that leaves
                // room for a loaded machine).
                let big = FileManager.default.temporaryDirectory.appending(path: "big-\(UUID().uuidString).txt")
                try text(64 * 1024 * 1024).write(to: big)
                defer { try? FileManager.default.removeItem(at: big) }
                let metadata = String(decoding: try JSONSerialization.data(withJSONObject: libraryMetadata("Big", extra: ["filename": "big.txt"])), as: UTF8.self)
                var arguments = ["-sS", "--http1.1", "--cacert", server.client.caFile ?? "", "--limit-rate", "4M", "--max-time", "30", "-o", "/dev/null",
                                 "-w", "%{http_code}", "-X", "POST", "-T", big.path]
                for (name, value) in member.authentication.merging(["Content-Type": "application/octet-stream", "Expect": ""], uniquingKeysWith: { $1 }) {
                    arguments += ["-H", "\(name): \(value)"]
                }
                arguments.append(server.baseURL.absoluteString + "/documents?metadata=" + SessionClient.percentEncoded(metadata))
                let clock = ContinuousClock.now
                let (_, code) = try await ChildProcess.run("/usr/bin/curl", arguments)
                let elapsed = ContinuousClock.now - clock
                #expect(code.hasPrefix("413"), "\(code)")
                #expect(elapsed < .seconds(8), "answered after \(elapsed), not once the limit was passed")

                let first = try await member.uploadRaw(text(1000 * 1024), metadata: libraryMetadata("First", extra: ["filename": "a.txt"]))
                #expect(first.status == 201, "\(first.text)")
                let over = try await member.uploadRaw(text(700 * 1024), metadata: libraryMetadata("Second", extra: ["filename": "b.txt"]))
                #expect(over.status == 413, "\(over.text)")
                #expect(over.json["type"] as? String == "urn:haven:problem:quota-exceeded")
                let fits = try await member.uploadRaw(text(400 * 1024), metadata: libraryMetadata("Third", extra: ["filename": "c.txt"]))
                #expect(fits.status == 201, "\(fits.text)")

                let counts = try await database.pool.query(
                    "SELECT (SELECT count(*)::int FROM document_versions), (SELECT count(*)::int FROM document_chunks)"
                ).first?.decode((Int32, Int32).self)
                #expect(counts?.0 == 2 && counts?.1 == 4 + 2, "only the accepted uploads' chunks stay: \(String(describing: counts))")
            }
        }
    }

    @Test func anUploadCutOffMidwayLeavesNoDocumentAndItsChunksAreCollected() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), documents: smallChunks()) { server in
                let member = try await server.signUp(email: "amina@example.org")
                let body = FileManager.default.temporaryDirectory.appending(path: "cut-\(UUID().uuidString).txt")
                try Data(repeating: UInt8(ascii: "a"), count: 16 * 1024 * 1024).write(to: body)
                defer { try? FileManager.default.removeItem(at: body) }
                let metadata = String(decoding: try JSONSerialization.data(withJSONObject: libraryMetadata("Cut", extra: ["filename": "cut.txt"])), as: UTF8.self)
                // curl gives up after two seconds at 2 MB/s: the server has stored chunks by then.
                var arguments = ["-sS", "--http1.1", "--cacert", server.client.caFile ?? "", "--limit-rate", "2M", "--max-time", "2", "-X", "POST"]
                for (name, value) in member.authentication.merging(["Content-Type": "application/octet-stream", "Expect": ""], uniquingKeysWith: { $1 }) {
                    arguments += ["-H", "\(name): \(value)"]
                }
                arguments += ["--data-binary", "@\(body.path)", server.baseURL.absoluteString + "/documents?metadata=" + SessionClient.percentEncoded(metadata)]
                let (status, _) = try await ChildProcess.run("/usr/bin/curl", arguments)
                #expect(status == 28, "curl timed out mid-upload")

                // The transaction rolls back: nothing visible; the chunks it wrote are dead rows for vacuum.
                var inserted = 0
                for _ in 0..<100 {
                    let row = try await database.pool.query(
                        """
                        SELECT (SELECT count(*)::int FROM documents) + (SELECT count(*)::int FROM document_chunks),
                               (SELECT n_tup_ins::int FROM pg_stat_user_tables WHERE relname = 'document_chunks'),
                               (SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%')
                        """
                    ).first?.decode((Int32, Int32?, Int32).self)
                    #expect(row?.0 == 0)
                    inserted = Int(row?.1 ?? 0)
                    if inserted > 0, row?.2 == 0 { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(inserted > 0, "chunks were written before the cut")
                try await database.pool.execute("VACUUM document_chunks")
                let remaining = try await database.pool.query("SELECT count(*)::int FROM document_chunks").first?.decode(column: 0, as: Int32.self)
                #expect(remaining == 0)
                // The server still serves.
                #expect(try await member.fetch("/documents").status == 200)
            }
        }
    }

    @Test func rangeRequestsServeExactlyTheBytesAsked() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), documents: smallChunks()) { server in
                let (admin, _) = try await server.administrator()
                let size = 700 * 1024 + 123
                let original = Data((0..<size).map { UInt8(ascii: "a") + UInt8($0 % 26) })
                let reply = try await admin.uploadRaw(original, metadata: libraryMetadata("Ranges", extra: ["filename": "letters.txt"]))
                let id = try #require(reply.json["id"] as? String, "\(reply.text)")
                let path = "/documents/\(id)/content"
                let chunk = 256 * 1024
                let cases: [(range: String, from: Int, to: Int)] = [
                    ("bytes=0-0", 0, 0), ("bytes=-1", size - 1, size - 1), ("bytes=\(chunk - 5)-\(chunk + 5)", chunk - 5, chunk + 5),
                    ("bytes=\(2 * chunk)-", 2 * chunk, size - 1), ("bytes=100-\(size + 1000)", 100, size - 1), ("bytes=-\(size * 2)", 0, size - 1),
                ]
                for (range, from, to) in cases {
                    let part = try await admin.fetch(path, headers: ["Range": range])
                    #expect(part.status == 206, "\(range)")
                    #expect(part.body == original.subdata(in: from..<(to + 1)), "\(range)")
                    #expect(part.header("Content-Range") == "bytes \(from)-\(to)/\(size)", "\(range)")
                }
                let unsatisfiable = try await admin.fetch(path, headers: ["Range": "bytes=\(size)-"])
                #expect(unsatisfiable.status == 416)
                #expect(unsatisfiable.header("Content-Range") == "bytes */\(size)")
                #expect(unsatisfiable.json["type"] as? String == "urn:haven:problem:range-not-satisfiable")
                // Several ranges, or a range that is not bytes: the whole file.
                for header in ["bytes=0-1,5-6", "lines=1-2", "bytes=5-1"] {
                    let whole = try await admin.fetch(path, headers: ["Range": header])
                    #expect(whole.status == 200 && whole.body == original, "\(header)")
                }
                let etag = try #require((try await admin.fetch(path)).header("ETag"))
                #expect(try await admin.fetch(path, headers: ["If-None-Match": etag]).status == 304)
                let stale = try await admin.fetch(path, headers: ["Range": "bytes=0-9", "If-Range": "\"other\""])
                #expect(stale.status == 200 && stale.body == original, "a changed file is sent whole")
                let fresh = try await admin.fetch(path, headers: ["Range": "bytes=0-9", "If-Range": etag])
                #expect(fresh.status == 206 && fresh.body == original.prefix(10))
            }
        }
    }

    @Test func membersUploadsWaitForAModeratorAndVersionsKeepTheirHistory() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let omar = try await server.signUp(email: "omar@example.org", name: "Omar")
                let (moderator, _) = try await server.staff(email: "moderator@haven.test", role: .moderator)
                let first = Data("Toolkit, first edition.\n".utf8)
                let created = try await amina.uploadRaw(
                    first, metadata: libraryMetadata("Toolkit", extra: ["filename": "toolkit.txt", "tags": ["Toolkit", "support"], "descriptions": ["en": "For trainers"]])
                )
                #expect(created.status == 201, "\(created.text)")
                #expect((created.json["latest"] as? [String: Any])?["state"] as? String == "pending")
                let id = try #require(created.json["id"] as? String)

                // Pending: its uploader and moderators see it; other members are not told it exists.
                #expect(try await amina.fetch("/documents/\(id)/content").body == first)
                #expect(try await omar.fetch("/documents/\(id)").status == 404)
                #expect(try await omar.fetch("/documents/\(id)/content").status == 404)
                #expect(((try await omar.fetch("/documents")).json["items"] as? [[String: Any]])?.isEmpty == true)
                let queue = try await moderator.send("GET", "/moderation/documents")
                let queued = try JSONSerialization.jsonObject(with: queue.body) as? [[String: Any]] ?? []
                #expect(queued.map { $0["document_id"] as? String } == [id], "\(queue.text)")
                #expect(try await amina.send("GET", "/moderation/documents").status == 403)

                let approved = try await moderator.send("POST", "/moderation/documents/\(id)/versions/1/decision", json: ["decision": "approve"])
                #expect(approved.status == 200, "\(approved.text)")
                #expect(try await moderator.send("POST", "/moderation/documents/\(id)/versions/1/decision", json: ["decision": "approve"]).status == 409)
                #expect(try await omar.fetch("/documents/\(id)/content").body == first)
                let listed = try await omar.fetch("/documents?tag=toolkit&q=toolkits")
                #expect((listed.json["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [id], "search finds inflected words: \(listed.text)")

                // A second version waits too; members keep getting the first meanwhile.
                let second = Data("Toolkit, second edition.\n".utf8)
                let updated = try await amina.uploadRaw(second, metadata: [:], to: "/documents/\(id)/versions?filename=toolkit-2.txt")
                #expect(updated.status == 201, "\(updated.text)")
                #expect(try await omar.fetch("/documents/\(id)/content").body == first)
                #expect(try await amina.fetch("/documents/\(id)/content").body == second)
                #expect(try await omar.uploadRaw(second, metadata: [:], to: "/documents/\(id)/versions?filename=x.txt").status == 403)
                let named = try await amina.uploadForm(file: DocumentFixtures.url("sample.txt"), metadata: nil, to: "/documents/\(id)/versions?filename=x.txt")
                #expect(named.status == 422, "a form names its file in its part, not in the query: \(named.text)")

                let rejected = try await moderator.send(
                    "POST", "/moderation/documents/\(id)/versions/2/decision", json: ["decision": "reject", "reason": "Names of participants are visible."]
                )
                #expect(rejected.status == 200, "\(rejected.text)")
                let versions = try JSONSerialization.jsonObject(with: (try await amina.fetch("/documents/\(id)/versions")).body) as? [[String: Any]] ?? []
                #expect(versions.map { $0["state"] as? String } == ["rejected", "approved"])
                #expect(versions.first?["reason"] as? String == "Names of participants are visible.")
                let seenByOmar = try JSONSerialization.jsonObject(with: (try await omar.fetch("/documents/\(id)/versions")).body) as? [[String: Any]] ?? []
                #expect(seenByOmar.map { $0["version"] as? Int } == [1])
                #expect(try await omar.fetch("/documents/\(id)/versions/2/content").status == 404)
                #expect(try await amina.fetch("/documents/\(id)/versions/1/content").body == first)

                let actions = try await database.pool.query(
                    "SELECT action FROM audit_log WHERE target = \("document:\(id)") ORDER BY position"
                ).map { try $0.decode(column: 0, as: String.self) }
                #expect(actions == ["document.upload", "document.approve", "document.upload", "document.reject"])
            }
        }
    }

    @Test func deletionHidesAtOnceAndPurgeShredsAfterRetention() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let amina = try await server.signUp(email: "amina@example.org")
                let omar = try await server.signUp(email: "omar@example.org")
                let (moderator, _) = try await server.staff(email: "moderator@haven.test", role: .moderator)
                let (admin, _) = try await server.administrator()
                let reply = try await admin.uploadRaw(Data("Guidance note.\n".utf8), metadata: libraryMetadata("Guidance", extra: ["filename": "g.txt"]))
                let id = try #require(reply.json["id"] as? String)
                #expect(try await amina.send("DELETE", "/documents/\(id)").status == 403, "members do not delete others' documents")
                #expect(try await admin.send("DELETE", "/documents/\(id)").status == 204)
                #expect(try await omar.fetch("/documents/\(id)").status == 404)
                #expect(try await omar.fetch("/documents/\(id)/content").status == 404)
                #expect((try await moderator.fetch("/documents/\(id)")).json["deleted"] as? Bool == true)

                #expect(try await server.services.documents.purge() == 0, "kept during the retention period")
                #expect(try await server.services.documents.purge(now: Date().addingTimeInterval(31 * 86_400)) == 1)
                let left = try await database.pool.query(
                    "SELECT (SELECT count(*)::int FROM documents) + (SELECT count(*)::int FROM document_versions) + (SELECT count(*)::int FROM document_chunks)"
                ).first?.decode(column: 0, as: Int32.self)
                #expect(left == 0, "chunks and wrapped keys are gone")
                #expect(try await moderator.fetch("/documents/\(id)").status == 404)
            }
        }
    }

    @Test func aDatabaseDumpRevealsNoContentAndATamperedChunkStopsTheDownload() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), documents: smallChunks()) { server in
                let (admin, _) = try await server.administrator()
                let secret = "Participants: Layla Haddad, Tripoli, +218 91 555 0199. "
                let original = Data(String(repeating: secret, count: 12_000).utf8)
                let reply = try await admin.uploadRaw(original, metadata: libraryMetadata("Field report", extra: ["filename": "report.txt"]))
                let id = try #require(UUID(uuidString: reply.json["id"] as? String ?? ""), "\(reply.text)")

                let rows = try await database.pool.query("SELECT number, sealed FROM document_chunks WHERE document_id = \(id) ORDER BY number")
                let sealed = try rows.map { try $0.decode((Int32, [UInt8]).self) }
                #expect(sealed.count == 3)
                let needle = Array("Layla Haddad".utf8)
                for (_, bytes) in sealed {
                    #expect(Data(bytes).range(of: Data(needle)) == nil, "no plaintext at rest")
                }
                let key = try await database.pool.query("SELECT key_id, length(wrapped_key)::int FROM document_versions WHERE document_id = \(id)")
                    .first?.decode((String, Int32).self)
                #expect(key?.0 == TestServices.documentKeys.current.id && key?.1 == 12 + 32 + 16, "the data key is stored wrapped")

                // Swapping two chunks, or flipping one byte, is detected.
                try await database.pool.execute(
                    "UPDATE document_chunks SET sealed = set_byte(sealed, 40, get_byte(sealed, 40) # 1) WHERE document_id = \(id) AND number = 1"
                )
                let path = "/documents/\(id.uuidString.lowercased())/content"
                #expect(try await admin.fetch(path, headers: ["Range": "bytes=0-99"]).body == original.prefix(100), "chunk 0 is intact")
                await #expect(throws: ProbeError.self, "the download is cut off") { try await admin.fetch(path) }
                let alarms = try await database.pool.query(
                    "SELECT details->>'chunk' FROM audit_log WHERE action = 'document.integrity-failure' AND target = \("document:\(id)")"
                ).map { try $0.decode(column: 0, as: String.self) }
                #expect(alarms == ["1"])
            }
        }
    }

    @Test func afterMasterKeyRotationOnlyTheNewKeyIsNeeded() async throws {
        try await TestDatabase.with { database in
            let oldKeys = MasterKeyring(current: TestServices.masterKey(7))
            let newKey = TestServices.masterKey(8)
            let original = try DocumentFixtures.data("sample.pdf")
            let id = try await TestServer.with(database: database, accounts: lenientAccounts(), documentKeys: oldKeys) { server in
                let (admin, _) = try await server.administrator()
                let reply = try await admin.uploadForm(file: DocumentFixtures.url("sample.pdf"), metadata: libraryMetadata("Report"))
                return try #require(reply.json["id"] as? String, "\(reply.text)")
            }
            let rotating = Documents(
                pool: database.pool, keys: MasterKeyring(current: newKey, previous: [oldKeys.current]), forums: Forums(pool: database.pool)
            )
            var reported: [(Int, Int)] = []
            #expect(try await rotating.rotateMasterKey { reported.append(($0, $1)) } == 1)
            #expect(reported.last.map { $0 == (1, 1) } == true)
            #expect(try await rotating.rotateMasterKey() == 0, "nothing left under the old key")
            try await TestServer.with(database: database, accounts: lenientAccounts(), documentKeys: MasterKeyring(current: newKey)) { server in
                let (fresh, _) = try await server.staff(email: "second-admin@haven.test", role: .administrator)
                let download = try await fresh.fetch("/documents/\(id)/content")
                #expect(download.status == 200 && download.body == original)
            }
            try await TestServer.with(database: database, accounts: lenientAccounts(), documentKeys: oldKeys) { server in
                let (admin, _) = try await server.staff(email: "third-admin@haven.test", role: .administrator)
                let download = try await admin.fetch("/documents/\(id)/content")
                #expect(download.status == 500, "the old key alone no longer opens it")
                #expect(download.json["type"] as? String == "urn:haven:problem:internal-error")
            }
        }
    }
}

/// The antivirus, with a real clamd: every upload is scanned as it streams in.
@Suite struct DocumentAntivirusTests {
    @Test(.enabled(if: TestClamd.isInstalled, "clamd is not installed here (Debian: apt-get install clamav-daemon); the scan is not tested"))
    func infectedFilesAreRefusedAndRecordedCleanOnesPass() async throws {
        let clamd = try await TestClamd.start()
        defer { clamd.stop() }
        try await TestDatabase.with { database in
            var configuration = smallChunks()
            configuration.virusScanner = clamd.scanner
            try await TestServer.with(database: database, accounts: lenientAccounts(), documents: configuration) { server in
                let member = try await server.signUp(email: "amina@example.org")
                let infected = try await member.uploadRaw(
                    Data(TestClamd.eicar.utf8), metadata: libraryMetadata("Notes", extra: ["filename": "notes.txt"])
                )
                #expect(infected.status == 422, "\(infected.text)")
                #expect(infected.json["type"] as? String == "urn:haven:problem:file-infected")
                #expect((infected.json["detail"] as? String)?.contains("Haven.Test.EICAR") == true, "\(infected.text)")
                let recorded = try await database.pool.query(
                    "SELECT outcome, details->>'signature' FROM audit_log WHERE action = 'document.infected'"
                ).map { try $0.decode((String, String).self) }
                #expect(recorded.count == 1 && recorded.first?.0 == "denied" && recorded.first?.1.hasPrefix("Haven.Test.EICAR") == true)
                let left = try await database.pool.query("SELECT count(*)::int FROM documents").first?.decode(column: 0, as: Int32.self)
                #expect(left == 0, "nothing of an infected upload is kept")

                // A clean file, larger than a chunk and sent as a form, passes the scan.
                let clean = try await member.uploadRaw(
                    Data(String(repeating: "A clean field report.\n", count: 40_000).utf8), metadata: libraryMetadata("Clean", extra: ["filename": "c.txt"])
                )
                #expect(clean.status == 201, "\(clean.text)")
                let form = try await member.uploadForm(file: DocumentFixtures.url("sample.docx"), metadata: libraryMetadata("Docx"))
                #expect(form.status == 201, "\(form.text)")
            }
        }
    }

    @Test func withTheAntivirusUnreachableNothingIsAccepted() async throws {
        try await TestDatabase.with { database in
            var configuration = DocumentsConfiguration()
            configuration.virusScanner = VirusScanner(address: .unixSocket("/nonexistent/clamd.sock"))
            try await TestServer.with(database: database, accounts: lenientAccounts(), documents: configuration) { server in
                let member = try await server.signUp(email: "amina@example.org")
                let reply = try await member.uploadRaw(Data("A note.\n".utf8), metadata: libraryMetadata("Note", extra: ["filename": "n.txt"]))
                #expect(reply.status == 503, "\(reply.text)")
                #expect(reply.json["type"] as? String == "urn:haven:problem:scan-unavailable")
            }
        }
        #expect(VirusScanner.Address("unix:/run/clamav/clamd.ctl") == .unixSocket("/run/clamav/clamd.ctl"))
        #expect(VirusScanner.Address("tcp:127.0.0.1:3310") == .tcp(host: "127.0.0.1", port: 3310))
        #expect(VirusScanner.Address("clamd") == nil && VirusScanner.Address("tcp:host:99999") == nil)
    }

    @Test func aSlowClientHoldsTheServerBackInsteadOfMakingItBufferTheFile() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), documents: smallChunks()) { server in
                let (staff, _) = try await server.administrator()
                let size = 48 << 20
                let line = "Field notes from the workshop on victims' support.\n"
                let text = Data(String(repeating: line, count: size / line.utf8.count + 1).utf8.prefix(size))
                let created = try await staff.uploadRaw(text, metadata: libraryMetadata("Field notes", extra: ["filename": "notes.txt"]))
                #expect(created.status == 201, "\(created.text)")
                let id = try #require(created.json["id"] as? String)
                let chunks = size / smallChunks().chunkSize

                // A client that reads one mebibyte, stops for eight seconds, then reads the rest.
                let client = try await PausingClient.start(server, path: "/documents/\(id)/content", token: staff.sessionToken)
                #expect(client.log.contains("paused"), "\(client.log)")
                // While the client does not read, the server stops reading too: what it has read is
                // what the socket buffers and the read-ahead hold, not the file.
                let (during, stable) = try await settled { server.services.documents.chunksRead }
                #expect(stable, "the server kept reading while the client paused: \(during) chunks")
                // (Measured: 47 of 192 chunks, the kernel's socket buffers and the read-ahead.)
                #expect(during > 0 && during < chunks / 2, "read \(during) of \(chunks) chunks for a client that took 1 MiB")
                let total = await client.finish() ?? 0
                // The headers come first; the body is the whole file.
                #expect(total > size && total < size + 4_096, "\(client.log)")
                #expect(server.services.documents.chunksRead <= chunks)
            }
        }
    }

    @Test func administratorsChooseWhichSpacesUploadsWaitForAModerator() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let (admin, _) = try await server.administrator()
                let (moderator, _) = try await server.staff(email: "moderator@haven.test", role: .moderator)
                let amina = try await server.signUp(email: "amina@example.org", name: "Amina")
                let member = try await amina.accountID().uuidString
                var groups: [String] = []
                for name in ["Trainers", "Survivors' network"] {
                    let group = try #require(try await admin.send("POST", "/groups", json: ["name": name]).json["id"] as? String)
                    #expect(try await admin.send("POST", "/groups/\(group)/members", json: ["account_id": member]).status == 204)
                    groups.append(group)
                }
                func upload(to group: String?) async throws -> String? {
                    var metadata = libraryMetadata("Notes", extra: ["filename": "notes.txt"])
                    if let group { metadata.merge(["space": "group", "space_id": group]) { $1 } }
                    let reply = try await amina.uploadRaw(Data("Notes\n".utf8), metadata: metadata)
                    #expect(reply.status == 201, "\(reply.text)")
                    return (reply.json["latest"] as? [String: Any])?["state"] as? String
                }
                #expect(try await upload(to: groups[0]) == "pending", "every kind of space is vetted by default")

                // The trainers' group trusts its members; the other group does not change.
                let changed = try await admin.send("PUT", "/document-vetting", json: ["space": "group", "space_id": groups[0], "vetted": false])
                #expect(changed.status == 200, "\(changed.text)")
                #expect(changed.json["vetted"] as? Bool == false && changed.json["overridden"] as? Bool == true)
                #expect(try await upload(to: groups[0]) == "approved")
                #expect(try await upload(to: groups[1]) == "pending")
                #expect(try await upload(to: nil) == "pending")
                let listed = try JSONSerialization.jsonObject(with: try await admin.send("GET", "/document-vetting").body) as? [[String: Any]] ?? []
                #expect(listed.count == 5)
                #expect(listed.last?["space_id"] as? String == groups[0].lowercased() && listed.last?["vetted"] as? Bool == false)

                // Back to the default for groups: vetted again. The library can be opened too.
                #expect(try await admin.send("PUT", "/document-vetting", json: ["space": "group", "space_id": groups[0]]).json["overridden"] as? Bool == false)
                #expect(try await upload(to: groups[0]) == "pending")
                #expect(try await admin.send("PUT", "/document-vetting", json: ["space": "library", "vetted": false]).status == 200)
                #expect(try await upload(to: nil) == "approved")

                // Administrators only; bad input is named.
                #expect(try await moderator.send("PUT", "/document-vetting", json: ["space": "library", "vetted": true]).status == 403)
                #expect(try await amina.send("GET", "/document-vetting").status == 403)
                #expect(try await admin.send("PUT", "/document-vetting", json: ["space": "group", "space_id": UUID().uuidString, "vetted": true]).status == 404)
                #expect(try await admin.send("PUT", "/document-vetting", json: ["space": "library", "space_id": groups[0], "vetted": true]).status == 422)
                #expect(try await admin.send("PUT", "/document-vetting", json: ["space": "shelf", "vetted": true]).status == 422)
                #expect(try await admin.send("PUT", "/document-vetting", json: ["space": "library", "vetted": "yes"]).status == 422)
                #expect(try await admin.send("PUT", "/document-vetting", json: "{").status == 400)
                #expect(try await admin.send("PUT", "/document-vetting", json: String(repeating: " ", count: 2 << 20)).status == 413)
                let audited = try await server.services.pool.query(
                    "SELECT count(*)::int FROM audit_log WHERE action = 'document.vetting-change'"
                ).first?.decode(column: 0, as: Int.self)
                #expect(audited == 3)
            }
        }
    }
}
