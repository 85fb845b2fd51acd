import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

@Suite struct SessionTests {
    @Test func idleAndAbsoluteTimeoutsEndSessions() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let idle = try await server.signUp(email: "idle@example.org")
                #expect(try await idle.send("GET", "/me").status == 200)
                try await database.pool.execute(
                    "UPDATE sessions SET last_used_at = now() - interval '31 minutes' WHERE account_id = (SELECT id FROM accounts WHERE email = 'idle@example.org')"
                )
                #expect(try await idle.send("GET", "/me").status == 401)

                let old = try await server.signUp(email: "old@example.org")
                // Used a minute ago, but signed in over 12 hours ago.
                try await database.pool.execute(
                    """
                    UPDATE sessions SET expires_at = now() - interval '1 second', last_used_at = now() - interval '1 minute'
                    WHERE account_id = (SELECT id FROM accounts WHERE email = 'old@example.org')
                    """
                )
                let expired = try await old.send("GET", "/me")
                #expect(expired.status == 401)
                #expect(expired.json["type"] as? String == "urn:haven:problem:unauthenticated")
            }
        }
    }

    @Test func signInRotatesTheTokenAndSignOutRevokesIt() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let first = try await server.signUp(email: "rotate@example.org", password: "a long and unusual passphrase")
                let (second, _) = try await server.signIn(email: "rotate@example.org", password: "a long and unusual passphrase")
                #expect(first.sessionToken != second.sessionToken)
                let out = try await second.send("POST", "/auth/logout")
                #expect(out.status == 204)
                #expect(out.header("Set-Cookie")?.contains("Max-Age=0") == true)
                #expect(try await second.send("GET", "/me").status == 401, "a signed-out token is dead server-side")
                #expect(try await first.send("GET", "/me").status == 200)
                // Only digests are stored.
                let raw = try #require(first.sessionToken)
                let matches = try await database.pool.query("SELECT count(*) FROM sessions WHERE token_hash = \(Array(raw.utf8))")
                    .first?.decode(column: 0, as: Int.self)
                #expect(matches == 0)
            }
        }
    }

    @Test func listAndRevokeSessionsButNotSomeoneElses() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let password = "a long and unusual passphrase"
                let laptop = try await server.signUp(email: "many@example.org", password: password)
                let (phone, _) = try await server.signIn(email: "many@example.org", password: password)
                let (tablet, _) = try await server.signIn(email: "many@example.org", password: password)
                let list = try await laptop.send("GET", "/me/sessions")
                let sessions = try #require((try? JSONSerialization.jsonObject(with: list.body)) as? [[String: Any]])
                #expect(sessions.count == 3)
                #expect(sessions.filter { $0["is_current"] as? Bool == true }.count == 1)
                #expect(sessions.allSatisfy { ($0["address_prefix"] as? String) == "127.0.0.0/24" })

                // Another user cannot end them, even knowing an id.
                let stranger = try await server.signUp(email: "stranger@example.org")
                let phoneID = try #require(sessions.first { $0["is_current"] as? Bool != true }?["id"] as? String)
                #expect(try await stranger.send("DELETE", "/me/sessions/\(phoneID)").status == 404)
                // A session cookie with another user's CSRF token is refused.
                var mixed = stranger
                mixed.csrfToken = laptop.csrfToken
                #expect(try await mixed.send("PATCH", "/me", json: ["display_name": "Mallory"]).status == 403)

                #expect(try await laptop.send("DELETE", "/me/sessions").status == 204)
                #expect(try await phone.send("GET", "/me").status == 401)
                #expect(try await tablet.send("GET", "/me").status == 401)
                #expect(try await laptop.send("GET", "/me").status == 200)
            }
        }
    }

    @Test func disabledAccountLosesItsLiveSessionAtOnce() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let member = try await server.signUp(email: "soon-disabled@example.org")
                #expect(try await member.send("GET", "/me").status == 200)
                let id = try #require(try await member.send("GET", "/me").json["id"] as? String)
                let (admin, _) = try await server.administrator()
                // A member cannot disable anyone.
                #expect(try await member.send("POST", "/accounts/\(id)/disable").status == 403)
                #expect(try await admin.send("POST", "/accounts/\(id)/disable").status == 204)
                #expect(try await member.send("GET", "/me").status == 401)
            }
        }
    }
}
