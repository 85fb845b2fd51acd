import Foundation
import HavenTesting
import PostgresClient
import Testing

/// Running Haven as operators do: configuration from flags, environment and file; metrics and
/// health on the operators' listener; JSON logs.
extension HavenCommandTests {
    /// `haven config check` with `arguments` and `environment` (nothing else of ours inherited).
    func check(_ arguments: [String] = [], environment: [String: String] = [:], in folder: URL) async throws -> Outcome {
        let inherited = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HAVEN_") }
        let (status, output) = try await ChildProcess.run(
            Self.executable.path, ["config", "check"] + arguments, environment: inherited.merging(environment) { $1 }, directory: folder.path
        )
        return Outcome(status: status, output: output)
    }

    @Test func eachInvalidConfigurationIsOneLineNamingTheKey() async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func file(_ name: String, _ json: String) throws -> String {
            let path = folder.appending(path: name).path
            try Data(json.utf8).write(to: URL(filePath: path))
            return path
        }
        let cases: [(arguments: [String], environment: [String: String], key: String)] = [
            (["--database-url", "postgresql://haven@db:port/haven"], [:], "database.url"),
            ([], ["HAVEN_DATABASE_URL": "mysql://haven@db/haven"], "database.url"),
            ([], ["HAVEN_MODE": "production"], "master_key"),
            (["--mode", "production", "--master-key-file", try file("master.key", String(repeating: "k", count: 32))], [:], "secret_key"),
            (["--config", try file("unknown.json", #"{"http": {"port": 8443, "prot": 1}}"#)], [:], "http.prot"),
            ([], ["HAVEN_HTTP_PROT": "1"], "HAVEN_HTTP_PROT"),
            ([], ["HAVEN_HTTP_PORT": "eighty"], "http.port"),
            (["--config", try file("type.json", #"{"database": {"pool_size": "many"}}"#)], [:], "database.pool_size"),
            (["--port", "70000"], [:], "http.port"),
            ([], ["HAVEN_HTTP_PUBLIC_URL": "haven.example.org"], "http.public_url"),
            ([], ["HAVEN_MODE": "staging"], "mode"),
            ([], ["HAVEN_SMTP_PASSWORD_FILE": "/nonexistent/password"], "smtp.password_file"),
            (["--config", try file("broken.json", #"{"http": "#)], [:], "config"),
            (["--shutdown-delay-seconds", "30"], [:], "http.shutdown_delay_seconds"),
            (["--export-retention-days", "0"], [:], "exports.retention_days"),
            ([], ["HAVEN_EXPORTS_RETENTION_DAYS": "365"], "exports.retention_days"),
        ]
        for (arguments, environment, key) in cases {
            let outcome = try await self.check(arguments, environment: environment, in: folder)
            let lines = outcome.output.split(separator: "\n")
            #expect(outcome.status != 0, "\(arguments) \(environment) was accepted")
            #expect(lines.count == 1, "\(key): \(outcome.output)")
            #expect(lines.first?.contains("configuration: \(key):") == true, "expected \(key): \(outcome.output)")
        }
    }

    @Test func flagsBeatTheEnvironmentWhichBeatsTheFileAndSecretsStayHidden() async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let masterKey = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        let keyFile = folder.appending(path: "master.key").path
        try Data(masterKey.utf8).write(to: URL(filePath: keyFile))
        let password = "a-database-password-never-shown"
        let config = folder.appending(path: "haven.json").path
        try Data(
            """
            {"mode": "production", "http": {"port": 1111, "host": "0.0.0.0"}, "master_key_file": "\(keyFile)",
             "database": {"url": "postgresql://haven@db.internal/haven?sslmode=verify-full"},
             "tls": {"insecure_http": true}, "smtp": {"host": "mail.internal", "security": "none"}}
            """.utf8
        ).write(to: URL(filePath: config))
        let environment = [
            "HAVEN_CONFIG": config, "HAVEN_HTTP_PORT": "2222", "HAVEN_DATABASE_PASSWORD": password,
            "HAVEN_SECRET_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
            // What Kubernetes adds for a Service named haven: not settings, and not errors.
            "HAVEN_SERVICE_HOST": "10.0.0.1", "HAVEN_PORT": "tcp://10.0.0.1:443", "HAVEN_PORT_443_TCP_ADDR": "10.0.0.1",
        ]

        let fromFlag = try await self.check(["--port", "3333"], environment: environment, in: folder)
        #expect(fromFlag.status == 0, "\(fromFlag.output)")
        #expect(fromFlag.output.contains("http.port = 3333"))
        #expect(fromFlag.output.contains("http.host = \"0.0.0.0\""))
        #expect(fromFlag.output.contains("log.format = json"), "production logs JSON by default")
        #expect(fromFlag.output.contains("master_key = <redacted>"))
        #expect(fromFlag.output.contains("database.password = <redacted>"))
        for secret in [masterKey, password, environment["HAVEN_SECRET_KEY"] ?? ""] {
            #expect(!fromFlag.output.contains(secret))
        }
        // libpq's multi-host URLs, for failover to a promoted replica.
        let multiHost = try await self.check(
            ["--database-url", "postgresql://haven@db1:5432,db2:5432/haven?target_session_attrs=read-write"], environment: environment, in: folder
        )
        #expect(multiHost.status == 0, "\(multiHost.output)")
        let fromEnvironment = try await self.check([], environment: environment, in: folder)
        #expect(fromEnvironment.output.contains("http.port = 2222"))
        let fromFile = try await self.check([], environment: environment.filter { $0.key != "HAVEN_HTTP_PORT" }, in: folder)
        #expect(fromFile.output.contains("http.port = 1111"))
        // The master key given twice in one source is refused; a flag's file wins over the file's value.
        let both = try await self.check([], environment: environment.merging(["HAVEN_MASTER_KEY": masterKey, "HAVEN_MASTER_KEY_FILE": keyFile]) { $1 }, in: folder)
        #expect(both.status != 0)
        #expect(both.output.contains("configuration: master_key:"))
    }

    @Test func metricsHealthAndJSONLogsOnTheOperatorsListener() async throws {
        let python = try #require(PythonTools.python, "run scripts/python-tools")
        let folder = FileManager.default.temporaryDirectory.appending(path: "metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appending(path: "serve.log")
        let metricsPort = try FreePort.find()
        try await TestDatabase.with { database in
            let url = try await database.tcpURL()
            let (process, probe) = try await self.launch(
                ["--database-url", url, "--metrics-port", String(metricsPort), "--log-format", "json"], dataFolder: folder, log: log
            )
            let https = try #require(probe)
            let operators = HTTPProbe(baseURL: try #require(URL(string: "http://127.0.0.1:\(metricsPort)")))
            #expect(try await operators.get("/readyz").status == 200)
            #expect(try await operators.get("/healthz").status == 200)
            // The public listener does not serve metrics.
            #expect(try await https.get("/metrics").status == 404)

            // A member's session, then traffic of several kinds, and a failed TLS handshake.
            let invited = try await self.run(["admin", "invite", "--database-url", url, "--email", "ops@haven.test", "--role", "member"])
            let invitation = String(invited.output.split(separator: "\n").dropFirst(2).first ?? "").trimmingCharacters(in: .whitespaces)
            let accepted = try await https.send(
                "POST", "/invitations/accept", headers: ["Content-Type": "application/json"],
                body: Data(#"{"token": "\#(invitation)", "display_name": "Ops", "password": "a long and unusual passphrase"}"#.utf8)
            )
            let session = try #require(accepted.json["token"] as? String ?? accepted.header("set-cookie")?.sessionToken, "\(accepted.text)")
            #expect(try await https.get("/me", headers: ["Authorization": "Bearer \(session)"]).status == 200)
            #expect(try await https.get("/me").status == 401)
            #expect(try await https.get("/no/such/page").status == 404)
            _ = try? await HTTPProbe(baseURL: try #require(URL(string: "https://127.0.0.1:\(https.baseURL.port ?? 0)"))).get("/healthz")
            try await database.pool.execute(
                """
                INSERT INTO mail_outbox (recipient, kind, subject, body, next_attempt_at)
                VALUES ('x@haven.test', 'test', 'Subject', 'Body', now() + interval '1 hour')
                """
            )

            let scraped = try await operators.get("/metrics")
            #expect(scraped.status == 200)
            #expect(scraped.header("content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = folder.appending(path: "metrics.txt")
            try scraped.body.write(to: text)
            // Parsed by Prometheus' own Python client: families and their samples, as JSON.
            let parser = """
                import json, sys
                from prometheus_client.parser import text_string_to_metric_families
                out = {}
                for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                    out[family.name] = {"type": family.type, "samples": [[s.name, s.labels, s.value] for s in family.samples]}
                print(json.dumps(out))
                """
            let (status, output) = try await ChildProcess.run(python, ["-c", parser, text.path])
            #expect(status == 0, "not Prometheus text format: \(output)\n\(scraped.text)")
            let families = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String: Any]], "\(output)")
            let expected: [String: String] = [
                "hb_requests": "counter", "http_server_request_duration": "histogram",
                "haven_db_pool_connections": "gauge", "haven_db_pool_waiting": "gauge", "haven_db_pool_acquire_duration": "histogram",
                "haven_argon2_queue_depth": "gauge", "haven_tls_handshakes": "counter", "haven_tls_connections": "gauge",
                "haven_mail_outbox_messages": "gauge", "haven_moderation_queue_length": "gauge", "haven_database_up": "gauge",
                // The retention job runs as the server starts, and names every policy.
                "haven_retention_purged": "counter",
            ]
            for (name, type) in expected {
                #expect(families[name]?["type"] as? String == type, "\(name) missing or not a \(type): \(scraped.text)")
            }
            func value(_ family: String, _ labels: [String: String]) -> Double? {
                let samples = families[family]?["samples"] as? [[Any]] ?? []
                let match = samples.first { sample in
                    let sampleLabels = sample.count > 1 ? sample[1] as? [String: String] ?? [:] : [:]
                    return labels.allSatisfy { sampleLabels[$0.key] == $0.value }
                }
                return match.flatMap { $0.count > 2 ? $0[2] as? Double : nil }
            }
            #expect(value("hb_requests", ["http_route": "/me", "http_response_status_code": "200"]) == 1)
            #expect(value("hb_requests", ["http_route": "/me", "http_response_status_code": "401"]) == 1)
            #expect((value("haven_tls_handshakes", ["result": "completed"]) ?? 0) >= 4)
            #expect((value("haven_tls_handshakes", ["result": "failed"]) ?? 0) >= 1)
            #expect(value("haven_mail_outbox_messages", ["state": "pending"]) == 1)
            #expect(value("haven_database_up", [:]) == 1)

            process.signal(SIGTERM)
            #expect(await process.wait() == 0)

            // Every line of the log is one JSON object; requests carry their id, route template,
            // status, duration and the caller, and never the session token.
            let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
            #expect(lines.count > 5)
            var requests: [[String: Any]] = []
            for line in lines {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    Issue.record("not a JSON line: \(line)")
                    continue
                }
                #expect(object["time"] is String && object["level"] is String && object["message"] is String, "\(line)")
                if object["message"] as? String == "request" { requests.append(object) }
            }
            let me = try #require(requests.first { $0["http.route"] as? String == "/me" && $0["http.status"] as? String == "200" })
            #expect(me["hb.request.id"] is String)
            #expect(me["duration_ms"] is String)
            #expect(me["actor"] is String)
            #expect(requests.contains { $0["http.status"] as? String == "404" })
            let whole = try String(contentsOf: log, encoding: .utf8)
            #expect(!whole.contains(session))
            #expect(!whole.contains(invitation))
            #expect(!whole.contains("a long and unusual passphrase"))
        }
    }
}

extension String {
    /// The value of the session cookie in a Set-Cookie header.
    var sessionToken: String? {
        guard let range = self.range(of: "__Host-haven_session=") else { return nil }
        return String(self[range.upperBound...].prefix { $0 != ";" })
    }
}

extension HavenCommandTests {
    @Test func anInstanceWithOtherKeysRefusesToServeTheInstallation() async throws {
        try await TestDatabase.with { database in
            let url = try await database.tcpURL()
            let root = FileManager.default.temporaryDirectory.appending(path: "keys-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: root) }
            let first = root.appending(path: "first")
            let second = root.appending(path: "second")
            for folder in [first, second] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
            // The first instance makes its keys and records their fingerprints.
            try await self.serving(["--database-url", url], dataFolder: first) { probe in
                let ready = try await probe.get("/readyz")
                #expect(ready.status == 200)
            }
            let serve = ["serve", "--port", String(try FreePort.find()), "--metrics-port", "0", "--database-url", url]
            // Another data folder means other keys: refused, naming the setting.
            let otherSecret = try await self.run(serve + ["--data-dir", second.path])
            #expect(otherSecret.status != 0)
            #expect(otherSecret.output.contains("secret_key: not the server secret this installation runs with"), "\(otherSecret.output)")
            // The right secret with another master key: refused too.
            let secretFile = first.appending(path: "secret.key").path
            let newMasterKey = second.appending(path: "new-master.key").path
            try Data(Data((0..<32).map { UInt8(255 - $0) }).base64EncodedString().utf8).write(to: URL(filePath: newMasterKey))
            let otherMaster = try await self.run(
                serve + ["--data-dir", second.path, "--secret-key-file", secretFile, "--master-key-file", newMasterKey]
            )
            #expect(otherMaster.status != 0)
            #expect(otherMaster.output.contains("master_key: documents are sealed under master key"), "\(otherMaster.output)")
            // Rotating to it, with the old key as a previous one, is accepted and recorded ...
            let oldMasterKey = first.appending(path: "master.key").path
            try await self.serving(
                ["--database-url", url, "--secret-key-file", secretFile, "--master-key-file", newMasterKey, "--previous-master-key-file", oldMasterKey],
                dataFolder: second
            ) { probe in
                let ready = try await probe.get("/readyz")
                #expect(ready.status == 200)
            }
            // ... after which an instance with the old key alone is refused.
            let stale = try await self.run(serve + ["--data-dir", first.path])
            #expect(stale.status != 0)
            #expect(stale.output.contains("master_key:"), "\(stale.output)")
        }
    }
}

extension HavenCommandTests {
    @Test func behindABalancerThePROXYHeaderNamesTheClientForThrottling() async throws {
        try await TestDatabase.with { database in
            let url = try await database.tcpURL()
            let folder = FileManager.default.temporaryDirectory.appending(path: "proxy-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let (port, metricsPort) = (try FreePort.find(), try FreePort.find())
            let log = folder.appending(path: "serve.log").path
            let process = try ChildProcess(
                Self.executable.path,
                [
                    "serve", "--port", String(port), "--metrics-port", String(metricsPort), "--database-url", url, "--data-dir", folder.path,
                    "--proxy-protocol",
                ],
                output: log
            )
            // Direct connections carry no PROXY header, so readiness is asked on the operators' port.
            let operators = HTTPProbe(baseURL: try #require(URL(string: "http://127.0.0.1:\(metricsPort)")))
            for _ in 0..<300 where process.isRunning {
                if let reply = try? await operators.get("/readyz"), reply.status == 200 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            // A client speaking through a balancer: each connection starts with a PROXY header
            // (version 1, or 2 in binary), then TLS.
            let client = """
                import json, socket, ssl, sys
                port, ca = int(sys.argv[1]), sys.argv[2]
                context = ssl.create_default_context(cafile=ca)
                def login(header, email):
                    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
                    if header: raw.sendall(header)
                    tls = context.wrap_socket(raw, server_hostname="localhost")
                    body = json.dumps({"email": email, "password": "certainly not the password"}).encode()
                    tls.sendall(b"POST /auth/login HTTP/1.1\\r\\nHost: localhost\\r\\nContent-Type: application/json\\r\\n"
                                + b"Content-Length: %d\\r\\nConnection: close\\r\\n\\r\\n" % len(body) + body)
                    reply = b""
                    while chunk := tls.recv(65536): reply += chunk
                    return int(reply.split(b" ")[1])
                def v1(address): return f"PROXY TCP4 {address} 127.0.0.1 40000 {port}\\r\\n".encode()
                v2 = bytes([13, 10, 13, 10, 0, 13, 10, 81, 85, 73, 84, 10, 0x21, 0x11, 0, 12, 192, 0, 2, 55, 127, 0, 0, 1, 0x9c, 0x40, port >> 8, port & 255])
                result = {"flood": [login(v1("203.0.113.7"), f"nobody{i}@haven.test") for i in range(8)]}
                result["other"] = login(v1("198.51.100.9"), "someone@haven.test")
                result["v2"] = login(v2, "another@haven.test")
                try:
                    result["direct"] = login(None, "direct@haven.test")
                except (OSError, ssl.SSLError) as error:
                    result["direct"] = "refused"
                print(json.dumps(result))
                """
            let (status, output) = try await ChildProcess.run(
                "/usr/bin/python3", ["-c", client, String(port), folder.appending(path: "tls/dev-cert.pem").path]
            )
            #expect(status == 0, "\(output)\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
            // Failures from one address end in back-off for that address ...
            let flood = result["flood"] as? [Int] ?? []
            #expect(flood.prefix(5).allSatisfy { $0 == 401 } && flood.last == 429, "\(flood)")
            // ... while another client behind the same balancer is not held back by them.
            #expect(result["other"] as? Int == 401)
            #expect(result["v2"] as? Int == 401)
            // A connection without the header is refused: no one can skip the balancer's word.
            #expect(result["direct"] as? String == "refused")
            // The audit log keeps the client's prefix, not the balancer's.
            let prefixes = try await database.pool.query("SELECT DISTINCT address_prefix FROM audit_log WHERE address_prefix <> ''")
                .map { try $0.decode(column: 0, as: String.self) }
            #expect(prefixes.contains("203.0.113.0/24"), "\(prefixes)")
            #expect(!prefixes.contains { $0.hasPrefix("127.") }, "\(prefixes)")
            process.signal(SIGTERM)
            #expect(await process.wait() == 0)
        }
    }
}
