import Foundation
import HavenCore
import HavenTesting
import Logging
import PostgresClient
import Testing

/// Every flow that handles a secret, with every log line captured at trace level: none of the
/// secrets may appear in them.
@Suite struct SecretsStayOutOfLogsTests {
    final class Recorder: LogHandler, @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        var text: String { self.lock.withLock { self.lines.joined(separator: "\n") } }

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = self.metadata.merging(event.metadata ?? [:]) { $1 }
            self.lock.withLock { self.lines.append("\(event.level) \(event.message) \(merged)") }
        }
    }

    @Test func noPasswordTokenSecretOrCodeIsEverLogged() async throws {
        let recorder = Recorder()
        var logger = Logger(label: "haven.secrets") { _ in recorder }
        logger.logLevel = .trace
        var secrets: [String] = []
        try await TestDatabase.with { database in
            secrets = try await TestServer.with(database: database, accounts: lenientAccounts(), logger: logger) { server in
                var seen: [String] = []
                let password = "my secret passphrase 7f3a"
                let (_, invitation) = try await server.services.accounts.invite(email: "logs@example.org", role: .member, by: nil)
                seen.append(invitation.text)
                var client = SessionClient(probe: server.client)
                let accepted = try await client.send(
                    "POST", "/invitations/accept", json: ["token": invitation.text, "display_name": "Logs", "password": password]
                )
                client.adopt(accepted)
                seen += [password, client.sessionToken ?? "", client.csrfToken ?? ""]
                _ = try await server.signIn(email: "logs@example.org", password: "wrong passphrase 9c1e")
                seen.append("wrong passphrase 9c1e")
                let enrolment = try await client.send("POST", "/me/two-factor")
                let secret = enrolment.json["secret"] as? String ?? ""
                seen.append(secret)
                let code = server.totp(secret)
                let confirmed = try await client.send("POST", "/me/two-factor/confirm", json: ["code": code])
                let recovery = confirmed.json["recovery_codes"] as? [String] ?? []
                seen += recovery
                let next = server.totp(secret, offset: 1)
                let signedIn = try await server.signIn(email: "logs@example.org", password: password, totp: next)
                seen += [next, signedIn.client.sessionToken ?? ""]
                _ = try await server.signIn(email: "logs@example.org", password: password, recovery: recovery[0])
                let token = try await client.send("POST", "/me/api-tokens", json: ["name": "ci", "scopes": ["read"], "expires_in_days": 1])
                let apiSecret = token.json["secret"] as? String ?? ""
                seen.append(apiSecret)
                _ = try await SessionClient(probe: server.client).send("GET", "/me", headers: ["Authorization": "Bearer \(apiSecret)"])
                _ = try await SessionClient(probe: server.client).send("POST", "/auth/password-reset", json: ["email": "logs@example.org"])
                let reset = server.token(inMail: try await server.lastMail(to: "logs@example.org", kind: "password-reset")) ?? ""
                seen.append(reset)
                _ = try await SessionClient(probe: server.client).send(
                    "POST", "/auth/password-reset/complete", json: ["token": reset, "new_password": "another secret passphrase 2b8d"]
                )
                seen.append("another secret passphrase 2b8d")
                return seen.filter { $0.count >= 6 }
            }
        }
        let log = recorder.text
        #expect(!log.isEmpty, "the flows must have logged something for this test to mean anything")
        #expect(log.contains("/auth/login"), "requests are logged (method and path)")
        #expect(secrets.count >= 15)
        for secret in secrets {
            #expect(!log.contains(secret), "a secret appeared in the log")
        }
    }
}
