import Foundation
import HavenCore
import HavenTesting
import NIOCore
import OpenSSLTLS
import PostgresClient
import Testing

/// The `haven` executable, run as an operator would run it.
@Suite struct HavenCommandTests {
    /// The `haven` binary built next to this test bundle.
    static var executable: URL {
        let bundle = URL(filePath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appending(path: "haven")
    }

    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Runs `haven` with `arguments` to completion.
    func run(_ arguments: [String], environment: [String: String] = [:], in folder: URL? = nil) async throws -> Outcome {
        let (status, output) = try await ChildProcess.run(
            Self.executable.path, arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, directory: folder?.path
        )
        return Outcome(status: status, output: output)
    }

    /// Starts `haven serve` on a free port over HTTPS with the development certificate it makes in
    /// `dataFolder`, waits for it to answer, runs `body`, then sends SIGTERM and expects a clean exit.
    func serving(
        _ arguments: [String], dataFolder: URL, in folder: URL? = nil, _ body: (HTTPProbe) async throws -> Void
    ) async throws {
        let log = FileManager.default.temporaryDirectory.appending(path: "haven-serve-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let (process, probe) = try await self.launch(arguments, dataFolder: dataFolder, in: folder, log: log)
        if let probe { try await body(probe) }
        process.signal(SIGTERM)
        let status = await process.wait()
        #expect(status == 0, "haven serve exit: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }

    /// Starts `haven serve` and waits until it answers; the probe is nil (and an issue recorded)
    /// when it does not.
    func launch(_ arguments: [String], dataFolder: URL, in folder: URL? = nil, log: URL) async throws -> (ChildProcess, HTTPProbe?) {
        let port = try FreePort.find()
        let process = try ChildProcess(
            Self.executable.path,
            ["serve", "--port", String(port), "--data-dir", dataFolder.path] + (arguments.contains("--metrics-port") ? [] : ["--metrics-port", "0"]) + arguments,
            directory: folder?.path, output: log.path
        )
        let base = try #require(URL(string: "https://localhost:\(port)"))
        let probe = HTTPProbe(baseURL: base, trusting: dataFolder.appending(path: "tls/dev-cert.pem").path)
        for _ in 0..<300 where process.isRunning {
            if let reply = try? await probe.get("/healthz"), reply.status == 200 { return (process, probe) }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("haven serve did not answer: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        return (process, nil)
    }

    @Test func helpDescribesTheCommands() async throws {
        let help = try await run(["--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("serve"))
        #expect(help.output.contains("migrate"))
        let serveHelp = try await run(["serve", "--help"])
        #expect(serveHelp.output.contains("--database-url"))
    }

    @Test func migrateAndServeAgainstAnExternalDatabaseByURL() async throws {
        // An empty database, reached over TCP with a password like a real deployment.
        let admin = try PostgresPool(configuration: .init(connection: try await TestCluster.shared.configuration(), maximumConnections: 1))
        let name = "external_" + UUID().uuidString.lowercased().prefix(8)
        try await admin.execute(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        let url = try await TestCluster.shared.tcpURL(database: String(name))

        let before = try await run(["migrate", "--status", "--database-url", url])
        #expect(before.status == 0)
        #expect(before.output.contains("0001_identifiers.sql\tpending"))

        // serve refuses a database with pending migrations, saying what to do.
        let refused = try await run(["serve", "--port", String(try FreePort.find()), "--database-url", url])
        #expect(refused.status != 0)
        #expect(refused.output.contains("haven migrate"))

        let migrate = try await run(["migrate"], environment: ["HAVEN_DATABASE_URL": url])
        #expect(migrate.status == 0, "\(migrate.output)")
        #expect(migrate.output.contains("Applied: 0001_identifiers.sql"))
        let after = try await run(["migrate", "--status", "--database-url", url])
        #expect(after.output.contains("0001_identifiers.sql\tapplied"))

        let dataFolder = URL(filePath: NSTemporaryDirectory()).appending(path: "haven-external-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dataFolder) }
        try await serving(["--database-url", url], dataFolder: dataFolder) { probe in
            let ready = try await probe.get("/readyz")
            #expect(ready.status == 200)
            #expect(ready.header("Strict-Transport-Security") != nil)
        }

        // A tampered checksum stops both commands with a message naming the migration.
        let tampered = try PostgresPool(configuration: .init(connection: try PostgresConfiguration(url: url), maximumConnections: 1))
        try await tampered.execute("UPDATE schema_migrations SET checksum = sha256('x')")
        await tampered.shutdown()
        let serveTampered = try await run(["serve", "--port", String(try FreePort.find()), "--database-url", url])
        #expect(serveTampered.status != 0)
        #expect(serveTampered.output.contains("0001_identifiers.sql"))
        #expect(serveTampered.output.contains("has changed"))
        let migrateTampered = try await run(["migrate", "--database-url", url])
        #expect(migrateTampered.status != 0)
        #expect(migrateTampered.output.contains("has changed"))

        _ = try? await admin.execute(PostgresQuery(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)"))
        await admin.shutdown()
    }

    @Test func migrateAndServeWithTheEmbeddedDatabaseByDefault() async throws {
        let folder = URL(filePath: NSTemporaryDirectory()).appending(path: "haven-cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let environment = ["HAVEN_DATABASE_URL": ""]

        let migrate = try await run(["migrate"], environment: environment, in: folder)
        #expect(migrate.status == 0, "\(migrate.output)")
        #expect(migrate.output.contains("Applied: 0001_identifiers.sql"))
        // The embedded server was stopped again by the command that started it.
        let status = try await run(["migrate", "--status"], environment: environment, in: folder)
        #expect(status.output.contains("0001_identifiers.sql\tapplied"))

        try await serving([], dataFolder: folder.appending(path: ".haven"), in: folder) { probe in
            let ready = try await probe.get("/readyz")
            #expect(ready.status == 200)
        }
        #expect(FileManager.default.fileExists(atPath: folder.appending(path: ".haven/postgres/data/PG_VERSION").path))
        // Stopped with the server.
        #expect(!FileManager.default.fileExists(atPath: folder.appending(path: ".haven/postgres/data/postmaster.pid").path))
    }

    @Test func sighupReloadsTheCertificate() async throws {
        try await TestDatabase.with { database in try await self.sighupReloadsTheCertificate(url: try await database.tcpURL()) }
    }

    func sighupReloadsTheCertificate(url: String) async throws {
        let folder = URL(filePath: NSTemporaryDirectory()).appending(path: "haven-sighup-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = folder.appending(path: "cert.pem").path
        let key = folder.appending(path: "key.pem").path
        try DevelopmentCertificate.create(certificatePath: certificate, keyPath: key)
        let trusted = folder.appending(path: "trusted.pem").path
        try FileManager.default.copyItem(atPath: certificate, toPath: trusted)
        let port = try FreePort.find()
        let log = folder.appending(path: "serve.log").path
        let process = try ChildProcess(
            Self.executable.path,
            [
                "serve", "--port", String(port), "--metrics-port", "0", "--database-url", url, "--tls-cert", certificate, "--tls-key", key,
                "--data-dir", folder.path,
            ],
            output: log
        )
        func fingerprint() async throws -> String {
            let command = "openssl s_client -connect 127.0.0.1:\(port) </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256"
            return try await ChildProcess.run("/bin/sh", ["-c", command]).output
        }
        var before = ""
        for _ in 0..<100 where process.isRunning {
            before = try await fingerprint()
            if before.contains("Fingerprint") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(before.contains("Fingerprint"), "\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        // New files, then SIGHUP.
        try FileManager.default.removeItem(atPath: certificate)
        try FileManager.default.removeItem(atPath: key)
        try DevelopmentCertificate.create(certificatePath: certificate, keyPath: key)
        process.signal(SIGHUP)
        var after = before
        for _ in 0..<50 {
            try await Task.sleep(for: .milliseconds(100))
            after = try await fingerprint()
            if after != before { break }
        }
        #expect(after.contains("Fingerprint") && after != before)
        #expect(process.isRunning, "SIGHUP must not stop the server")
        process.signal(SIGTERM)
        #expect(await process.wait() == 0)
        #expect(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("TLS certificate reloaded"))
    }

    @Test func insecureHTTPServesPlainTextWithAWarning() async throws {
        try await TestDatabase.with { database in try await self.insecureHTTPServesPlainText(url: try await database.tcpURL()) }
    }

    func insecureHTTPServesPlainText(url: String) async throws {
        let folder = URL(filePath: NSTemporaryDirectory()).appending(path: "haven-plain-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = try FreePort.find()
        let log = folder.appending(path: "serve.log").path
        let process = try ChildProcess(
            Self.executable.path, ["serve", "--port", String(port), "--metrics-port", "0", "--database-url", url, "--insecure-http"], output: log
        )
        let probe = HTTPProbe(baseURL: try #require(URL(string: "http://127.0.0.1:\(port)")))
        var reply: HTTPProbe.Reply?
        for _ in 0..<100 where process.isRunning {
            reply = try? await probe.get("/healthz")
            if reply?.status == 200 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(reply?.status == 200)
        #expect(reply?.header("Strict-Transport-Security") == nil, "no HSTS over plain HTTP")
        process.signal(SIGTERM)
        #expect(await process.wait() == 0)
        #expect(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("SERVING PLAIN HTTP"))
        let refused = try await run(["serve", "--insecure-http", "--tls-cert", "a.pem", "--tls-key", "b.pem"])
        #expect(refused.status != 0)
        #expect(refused.output.contains("cannot be combined"))
    }

    @Test func serveRunsTheDataExportJob() async throws {
        try await TestDatabase.with { database in
            let pool = database.pool
            let account = try await pool.query(
                "INSERT INTO accounts (email, display_name, role, status) VALUES ('export@example.org', 'Export', 'member', 'active') RETURNING id"
            ).first?.decode(column: 0, as: UUID.self)
            let id = try #require(try await pool.query(
                "INSERT INTO data_exports (account_id, state, requested_at) VALUES (\(account), 'queued', now()) RETURNING id"
            ).first?.decode(column: 0, as: UUID.self))
            let folder = URL(filePath: NSTemporaryDirectory()).appending(path: "haven-export-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            // The job runs as the server starts (then every minute): the queued export gets prepared.
            try await self.serving(["--database-url", try await database.tcpURL()], dataFolder: folder) { _ in
                var state = ""
                for _ in 0..<150 {
                    state = try await pool.query("SELECT state FROM data_exports WHERE id = \(id)").first?.decode(column: 0, as: String.self) ?? ""
                    if state == "ready" { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(state == "ready")
            }
        }
    }

    @Test func auditVerifyPassesThenNamesTheRowChangedBehindItsBack() async throws {
        try await TestDatabase.with { database in
            let url = try await database.tcpURL()
            let created = try await run(["admin", "create-admin", "--email", "first@example.org", "--database-url", url, "--data-dir",
                                         NSTemporaryDirectory() + "haven-admin-\(UUID().uuidString.prefix(6))"])
            #expect(created.status == 0, "\(created.output)")
            #expect(created.output.contains("first administrator"))
            let again = try await run(["admin", "create-admin", "--email", "second@example.org", "--database-url", url])
            #expect(again.status != 0, "only on an empty installation")
            let audit = AuditLog(pool: database.pool)
            for index in 0..<4 { try await audit.record(AuditEvent(actor: nil, action: "test.event", target: "item:\(index)")) }
            let intact = try await run(["audit", "verify", "--database-url", url])
            #expect(intact.status == 0, "\(intact.output)")
            #expect(intact.output.contains("intact: 5 rows"))
            try await database.pool.withConnection { connection in
                try await connection.executeScript("SET session_replication_role = replica")
                try await connection.execute("UPDATE audit_log SET outcome = 'failure' WHERE position = 3")
                try await connection.executeScript("SET session_replication_role = DEFAULT")
            }
            let broken = try await run(["audit", "verify", "--database-url", url])
            #expect(broken.status != 0)
            #expect(broken.output.contains("BROKEN at row 3"))
        }
    }

    @Test func seedForumsFillsTheForumsWithSearchablePostsInSixLanguages() async throws {
        try await TestDatabase.with { database in
            let url = try await database.tcpURL()
            let seeded = try await run(["dev", "seed-forums", "--topics", "12", "--posts", "240", "--authors", "5", "--database-url", url])
            #expect(seeded.status == 0, "\(seeded.output)")
            #expect(seeded.output.contains("Seeded 12 topics and 240 posts by 5 authors"))
            #expect(seeded.output.contains("100% 240/240 posts"), "a progress bar")
            let pool = database.pool
            let counts = try await pool.query(
                """
                SELECT (SELECT count(*)::int FROM forum_topics WHERE state = 'published'),
                       (SELECT count(*)::int FROM forum_posts WHERE state = 'published' AND search_vector <> ''::tsvector),
                       (SELECT count(DISTINCT language)::int FROM forum_posts),
                       (SELECT sum(reply_count)::int FROM forum_topics)
                """
            ).first?.decode((Int32, Int32, Int32, Int32).self)
            #expect(counts.map { [$0.0, $0.1, $0.2, $0.3] } == [12, 240, 6, 228])
        }
    }

    @Test func rotateMasterKeyRewrapsEveryDataKeyWithProgress() async throws {
        try await TestDatabase.with { database in
            let folder = FileManager.default.temporaryDirectory.appending(path: "rotate-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let (old, new) = (TestServices.masterKey(21), TestServices.masterKey(22))
            try Data(repeating: 21, count: 32).base64EncodedString().write(to: folder.appending(path: "old.key"), atomically: true, encoding: .utf8)
            try Data(repeating: 22, count: 32).write(to: folder.appending(path: "new.key"))

            // A document stored under the old key.
            let accounts = Accounts(pool: database.pool, hashing: try TestServices.hashing, secret: TestServices.secret)
            let (_, token) = try await accounts.invite(email: "keeper@example.org", role: .member, by: nil)
            let session = try await accounts.acceptInvitation(
                token: token.text, displayName: "Keeper", password: "a long and unusual passphrase", client: ClientInfo(userAgent: nil, address: nil)
            )
            let actor = try #require(try await accounts.authenticate(token: session.token.text))
            let text = ByteBuffer(string: String(repeating: "Minutes of the survivors' network.\n", count: 20_000))
            let body = AsyncStream<ByteBuffer> { $0.yield(text); $0.finish() }
            let stored = try await Documents(pool: database.pool, keys: MasterKeyring(current: old), forums: Forums(pool: database.pool))
                .upload(DocumentDraft(space: .library, titles: ["en": "Minutes"], language: "en"), filename: "minutes.txt", body: body, by: actor)

            let url = try await database.tcpURL()
            let rotated = try await run([
                "admin", "rotate-master-key", "--database-url", url, "--data-dir", folder.path,
                "--master-key-file", folder.appending(path: "new.key").path, "--previous-master-key-file", folder.appending(path: "old.key").path,
            ])
            #expect(rotated.status == 0, "\(rotated.output)")
            #expect(rotated.output.contains("100% 1/1 data keys"), "a progress bar: \(rotated.output)")
            #expect(rotated.output.contains("Re-wrapped 1 data keys under master key \(new.id)."))

            // Only the new key is needed now.
            let documents = Documents(pool: database.pool, keys: MasterKeyring(current: new), forums: Forums(pool: database.pool))
            let download = try await documents.download(stored.id, version: nil, range: nil, for: actor)
            var received = ByteBuffer()
            try await documents.stream(download) { var part = $0; received.writeBuffer(&part) }
            #expect(received == text)
            let again = try await run([
                "admin", "rotate-master-key", "--database-url", url, "--data-dir", folder.path, "--master-key-file", folder.appending(path: "new.key").path,
            ])
            #expect(again.output.contains("Re-wrapped 0 data keys"), "\(again.output)")
        }
    }

    @Test func badDatabaseURLIsAClearError() async throws {
        let outcome = try await run(["migrate", "--database-url", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"])
        #expect(outcome.status != 0)
        #expect(outcome.output.contains("could not connect"))
        #expect(!outcome.output.contains("Fatal error"))
    }

    @Test func mailCommittedBeforeACrashIsSentAfterTheRestart() async throws {
        try await TestDatabase.with { database in
            let url = try await database.tcpURL()
            let folder = FileManager.default.temporaryDirectory.appending(path: "crash-mail-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let log = folder.appending(path: "serve.log")

            // A mail server that accepts the connection and then says nothing: the worker is caught
            // between the commit and the send.
            let stallPort = try FreePort.find()
            let stallLog = folder.appending(path: "stall.log")
            let stall = try ChildProcess(
                "/usr/bin/python3",
                [
                    "-c",
                    """
                    import socket, time
                    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind(("127.0.0.1", \(stallPort))); s.listen(); print("listening", flush=True)
                    c, _ = s.accept(); print("connected", flush=True); time.sleep(120)
                    """,
                ],
                output: stallLog.path
            )
            defer { stall.signal(SIGKILL) }
            func stallSays(_ word: String) async throws -> Bool {
                for _ in 0..<200 {
                    if (try? String(contentsOf: stallLog, encoding: .utf8))?.contains(word) == true { return true }
                    try await Task.sleep(for: .milliseconds(100))
                }
                return false
            }
            #expect(try await stallSays("listening"))
            let mail = ["--database-url", url, "--smtp-host", "127.0.0.1", "--smtp-security", "none", "--mail-from", "haven@haven.test"]
            let (first, probe) = try await self.launch(mail + ["--smtp-port", String(stallPort)], dataFolder: folder, log: log)
            #expect(probe != nil)

            let token = "c2VjcmV0LXRva2VuLXRoYXQtbXVzdC1ub3QtbGVhaw"
            let id = try #require(
                try await database.pool.query(
                    """
                    INSERT INTO mail_outbox (recipient, kind, subject, body)
                    VALUES ('member@haven.test', 'password-reset', 'Reset your Haven password', \("Reset it at https://haven.test/password-reset#\(token)"))
                    RETURNING id
                    """
                ).first?.decode(column: 0, as: UUID.self)
            )
            // The commit woke the worker, which is now waiting on the mail server: kill the server.
            #expect(try await stallSays("connected"), "the worker did not pick the message up: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            first.signal(SIGKILL)
            _ = await first.wait()
            let pending = try #require(try await database.pool.query("SELECT attempts, sent_at IS NULL FROM mail_outbox WHERE id = \(id)").first)
            #expect(try pending.decode((Int, Bool).self) == (0, true))

            // In development the outbox is where mail is read, tokens redacted.
            let listed = try await self.run(["admin", "outbox", "--database-url", url, "--text"])
            #expect(listed.status == 0, "\(listed.output)")
            #expect(listed.output.contains("outbox: 1 pending, 0 sent, 0 dead"), "\(listed.output)")
            #expect(listed.output.contains("password-reset#[redacted]"), "\(listed.output)")
            #expect(!listed.output.contains(token))

            // After the restart, with the mail server answering, the message goes out, once.
            let server = try await TestSMTPServer.start()
            defer { server.stop() }
            let (second, _) = try await self.launch(mail + ["--smtp-port", String(server.port)], dataFolder: folder, log: log)
            let messages = try await server.waitForMessages(1, timeout: .seconds(20))
            try await Task.sleep(for: .milliseconds(300))
            second.signal(SIGTERM)
            #expect(await second.wait() == 0)
            #expect(messages.count == 1)
            #expect(try server.received().count == 1)
            #expect(messages.first?.headers["Message-ID"] == "<\(id.uuidString.lowercased())@haven.test>")
            #expect(messages.first?.parts["text/plain"]?.contains(token) == true)
            let sent = try #require(try await database.pool.query("SELECT attempts, sent_at IS NOT NULL FROM mail_outbox WHERE id = \(id)").first)
            #expect(try sent.decode((Int, Bool).self) == (1, true))
        }
    }
}
