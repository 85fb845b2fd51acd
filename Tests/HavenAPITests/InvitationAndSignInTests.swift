import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

@Suite struct InvitationAndSignInTests {
    @Test func invitationIsAcceptedOnceAndSetsAHardenedSessionCookie() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let (_, token) = try await server.services.accounts.invite(email: "Amina@Example.org", role: .member, by: nil)
                let mail = try await server.lastMail(to: "amina@example.org", kind: "invitation")
                #expect(server.token(inMail: mail) == token.text)
                let client = SessionClient(probe: server.client)
                let body: [String: Any] = ["token": token.text, "display_name": "Amina", "password": "correct horse battery staple"]
                let accepted = try await client.send("POST", "/invitations/accept", json: body)
                #expect(accepted.status == 201, "\(accepted.text)")
                let cookie = try #require(accepted.header("Set-Cookie"))
                #expect(cookie.hasPrefix("__Host-haven_session="))
                for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] { #expect(cookie.contains(attribute), "\(cookie)") }
                #expect(!cookie.contains("Domain"))
                #expect((accepted.json["account"] as? [String: Any])?["email"] as? String == "amina@example.org")
                #expect(accepted.json["csrf_token"] is String)
                // Only the digest of the token is stored.
                let stored = try await database.pool.query("SELECT count(*) FROM invitations WHERE token_hash = \(Array(token.text.utf8))")
                    .first?.decode(column: 0, as: Int.self)
                #expect(stored == 0)

                let again = try await client.send("POST", "/invitations/accept", json: body)
                #expect(again.status == 403)
                #expect(again.json["type"] as? String == "urn:haven:problem:token-invalid")
            }
        }
    }

    @Test func expiredAndRevokedInvitationsAreRefused() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let (expired, expiredToken) = try await server.services.accounts.invite(email: "late@example.org", role: .member, by: nil)
                try await database.pool.execute("UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = \(expired.id)")
                let client = SessionClient(probe: server.client)
                let tooLate = try await client.send(
                    "POST", "/invitations/accept", json: ["token": expiredToken.text, "display_name": "Late", "password": "a long and unusual passphrase"]
                )
                #expect(tooLate.status == 403)
                #expect(tooLate.json["type"] as? String == "urn:haven:problem:token-invalid")

                // Revoked through the API by an administrator.
                let (admin, _) = try await server.administrator()
                let created = try await admin.send("POST", "/invitations", json: ["email": "revoked@example.org", "role": "member"])
                #expect(created.status == 201, "\(created.text)")
                let id = try #require(created.json["id"] as? String)
                let revokedToken = try #require(server.token(inMail: try await server.lastMail(to: "revoked@example.org", kind: "invitation")))
                #expect(try await admin.send("DELETE", "/invitations/\(id)").status == 204)
                let revoked = try await client.send(
                    "POST", "/invitations/accept", json: ["token": revokedToken, "display_name": "Nope", "password": "a long and unusual passphrase"]
                )
                #expect(revoked.status == 403)
                let list = try await admin.send("GET", "/invitations")
                #expect(list.text.contains("revoked@example.org"))
                #expect(!list.text.contains(revokedToken), "invitation tokens are never listed")
            }
        }
    }

    @Test func wrongPasswordUnknownAccountAndDisabledAccountLookAlike() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                _ = try await server.signUp(email: "known@example.org", password: "the right long passphrase")
                let wrong = try await server.signIn(email: "known@example.org", password: "the wrong long passphrase").reply
                let unknown = try await server.signIn(email: "nobody@example.org", password: "the wrong long passphrase").reply
                #expect(wrong.status == 401 && unknown.status == 401)
                #expect(wrong.json["type"] as? String == "urn:haven:problem:invalid-credentials")
                #expect(wrong.json["type"] as? String == unknown.json["type"] as? String)
                #expect(wrong.json["detail"] as? String == unknown.json["detail"] as? String)
                let right = try await server.signIn(email: "KNOWN@example.org ", password: "the right long passphrase").reply
                #expect(right.status == 200)
                try await database.pool.execute("UPDATE accounts SET status = 'disabled' WHERE email = 'known@example.org'")
                let disabled = try await server.signIn(email: "known@example.org", password: "the right long passphrase").reply
                #expect(disabled.status == 401)
                #expect(disabled.json["type"] as? String == "urn:haven:problem:invalid-credentials")
            }
        }
    }

    @Test func passwordRulesAreEnforced() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                func accept(_ password: String, name: String = "Bilal") async throws -> HTTPProbe.Reply {
                    let (_, token) = try await server.services.accounts.invite(email: "p\(UUID().uuidString.prefix(6))@example.org", role: .member, by: nil)
                    return try await SessionClient(probe: server.client).send(
                        "POST", "/invitations/accept", json: ["token": token.text, "display_name": name, "password": password]
                    )
                }
                for (password, reason) in [
                    ("short but ok?", "shorter than 15"),
                    (String(repeating: "x", count: 257), "longer than 256"),
                    ("1qaz2wsx3edc4rfv", "on the common list"),
                    ("1QAZ2WSX3EDC4RFV", "on the common list, any case"),
                    ("bilal's very own password", "contains the name"),
                ] {
                    let reply = try await accept(password)
                    #expect(reply.status == 422, "\(reason): \(reply.status)")
                    #expect(reply.json["type"] as? String == "urn:haven:problem:password-rejected", "\(reason)")
                }
                // 256 code points, any script, no composition rules.
                let reply = try await accept(String(repeating: "ب", count: 256))
                #expect(reply.status == 201)
                // NFKC: full-width letters sign in as their plain equivalents.
                let wide = try await accept("ｆｕｌｌｗｉｄｔｈ ｐａｓｓｐｈｒａｓｅ", name: "Wide")
                #expect(wide.status == 201)
                let email = try #require((wide.json["account"] as? [String: Any])?["email"] as? String)
                #expect(try await server.signIn(email: email, password: "fullwidth passphrase").reply.status == 200)
            }
        }
    }

    @Test func failedAttemptsBackOffPerAccountAndSource() async throws {
        var configuration = AccountsConfiguration()
        configuration.throttleFreeFailures = 3
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: configuration) { server in
                _ = try await server.signUp(email: "target@example.org", password: "the right long passphrase")
                for _ in 0..<3 {
                    #expect(try await server.signIn(email: "target@example.org", password: "guess guess guess").reply.status == 401)
                }
                // The fourth failure starts the back-off; even the right password waits now.
                #expect(try await server.signIn(email: "target@example.org", password: "guess guess guess").reply.status == 401)
                let blocked = try await server.signIn(email: "target@example.org", password: "the right long passphrase").reply
                #expect(blocked.status == 429)
                #expect(blocked.json["type"] as? String == "urn:haven:problem:too-many-attempts")
                #expect(Int(blocked.header("Retry-After") ?? "") ?? 0 >= 1)
                // Unknown accounts are throttled the same way (no enumeration by throttling). The
                // source's back-off is seconds long, and a loaded machine may take that long between
                // two requests: held for a minute here, so what is checked is that the block applies
                // to any account, not how long it lasts (checked below).
                let sourceBlocked = try await database.pool.execute(
                    "UPDATE auth_throttle SET blocked_until = now() + interval '1 minute' WHERE key LIKE 'source:%' AND blocked_until IS NOT NULL"
                )
                #expect(sourceBlocked == 1, "the source went into back-off")
                let unknown = try await server.signIn(email: "ghost@example.org", password: "guess guess guess").reply
                #expect(unknown.status == 429, "the source is in back-off too")
                // The back-off is short and capped: no hard lock-out.
                let until = try await database.pool.query("SELECT max(blocked_until) - now() < interval '16 minutes' FROM auth_throttle")
                    .first?.decode(column: 0, as: Bool.self)
                #expect(until == true)
                try await database.pool.execute("UPDATE auth_throttle SET blocked_until = now() - interval '1 second'")
                #expect(try await server.signIn(email: "target@example.org", password: "the right long passphrase").reply.status == 200)
            }
        }
    }

    @Test func otherCredentialEndpointsAreThrottledToo() async throws {
        var configuration = AccountsConfiguration()
        configuration.throttleFreeFailures = 2
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: configuration) { server in
                let client = SessionClient(probe: server.client)
                var statuses: [Int] = []
                for _ in 0..<5 {
                    statuses.append(try await client.send(
                        "POST", "/invitations/accept", json: ["token": "forged", "display_name": "X", "password": "a long and unusual passphrase"]
                    ).status)
                }
                #expect(statuses.contains(429), "\(statuses)")
                try await database.pool.execute("DELETE FROM auth_throttle")
                statuses = []
                for _ in 0..<5 {
                    statuses.append(try await client.send(
                        "POST", "/auth/password-reset/complete", json: ["token": "forged", "new_password": "a long and unusual passphrase"]
                    ).status)
                }
                #expect(statuses.contains(429), "\(statuses)")
            }
        }
    }
}
