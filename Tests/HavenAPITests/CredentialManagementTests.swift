import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

@Suite struct CredentialManagementTests {
    @Test func apiTokensAreScopedShownOnceAndRevocable() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let member = try await server.signUp(email: "tokens@example.org", password: "a long and unusual passphrase")
                // Creating a token needs a recent password entry.
                try await database.pool.execute("UPDATE sessions SET authenticated_at = now() - interval '16 minutes'")
                let stale = try await member.send("POST", "/me/api-tokens", json: ["name": "script", "scopes": ["read"], "expires_in_days": 30])
                #expect(stale.status == 403)
                #expect(stale.json["type"] as? String == "urn:haven:problem:reauthentication-required")
                let wrong = try await member.send("POST", "/auth/reauthenticate", json: ["password": "not my password at all"])
                #expect(wrong.status == 401)
                #expect(try await member.send("POST", "/auth/reauthenticate", json: ["password": "a long and unusual passphrase"]).status == 204)
                // A member cannot give a token more than a member may do.
                let greedy = try await member.send("POST", "/me/api-tokens", json: ["name": "x", "scopes": ["admin"], "expires_in_days": 30])
                #expect(greedy.status == 403)
                let created = try await member.send("POST", "/me/api-tokens", json: ["name": "script", "scopes": ["read"], "expires_in_days": 30])
                #expect(created.status == 201)
                let secret = try #require(created.json["secret"] as? String)
                #expect(secret.hasPrefix("haven_pat_"))
                let listed = try await member.send("GET", "/me/api-tokens")
                #expect(listed.text.contains("script") && !listed.text.contains(secret), "the secret is shown once")

                let api = SessionClient(probe: server.client)
                let bearer = ["Authorization": "Bearer \(secret)"]
                #expect(try await api.send("GET", "/me", headers: bearer).status == 200)
                #expect(try await api.send("PATCH", "/me", json: ["display_name": "X"], headers: bearer).status == 403, "read scope only")
                #expect(try await api.send("GET", "/me/sessions", headers: bearer).status == 403, "sessions only")
                let tokenID = try #require((created.json["token"] as? [String: Any])?["id"] as? String)
                #expect(try await member.send("DELETE", "/me/api-tokens/\(tokenID)").status == 204)
                #expect(try await api.send("GET", "/me", headers: bearer).status == 401)
                #expect(try await api.send("GET", "/me", headers: ["Authorization": "Bearer haven_pat_forged"]).status == 401)
            }
        }
    }

    @Test func passwordResetWorksOnceRevokesSessionsAndRevealsNothing() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let member = try await server.signUp(email: "forgetful@example.org", password: "the original long passphrase")
                let anonymous = SessionClient(probe: server.client)
                let known = try await anonymous.send("POST", "/auth/password-reset", json: ["email": "forgetful@example.org"])
                let unknown = try await anonymous.send("POST", "/auth/password-reset", json: ["email": "nobody@example.org"])
                #expect(known.status == 202 && unknown.status == 202)
                #expect(try await server.lastMail(to: "nobody@example.org", kind: "password-reset") == nil)
                let token = try #require(server.token(inMail: try await server.lastMail(to: "forgetful@example.org", kind: "password-reset")))

                let weak = try await anonymous.send("POST", "/auth/password-reset/complete", json: ["token": token, "new_password": "password"])
                #expect(weak.status == 422)
                let done = try await anonymous.send(
                    "POST", "/auth/password-reset/complete", json: ["token": token, "new_password": "a brand new long passphrase"]
                )
                #expect(done.status == 204)
                #expect(try await member.send("GET", "/me").status == 401, "every session ends")
                let again = try await anonymous.send(
                    "POST", "/auth/password-reset/complete", json: ["token": token, "new_password": "yet another long passphrase"]
                )
                #expect(again.status == 403)
                #expect(try await server.signIn(email: "forgetful@example.org", password: "a brand new long passphrase").reply.status == 200)

                // An expired token (30 minutes) is refused.
                _ = try await anonymous.send("POST", "/auth/password-reset", json: ["email": "forgetful@example.org"])
                let late = try #require(server.token(inMail: try await server.lastMail(to: "forgetful@example.org", kind: "password-reset")))
                try await database.pool.execute("UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE used_at IS NULL")
                let expired = try await anonymous.send(
                    "POST", "/auth/password-reset/complete", json: ["token": late, "new_password": "yet another long passphrase"]
                )
                #expect(expired.status == 403)
            }
        }
    }

    @Test func changingThePasswordNeedsTheCurrentOneAndEndsOtherSessions() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let here = try await server.signUp(email: "change@example.org", password: "the original long passphrase")
                let (there, _) = try await server.signIn(email: "change@example.org", password: "the original long passphrase")
                let wrong = try await here.send(
                    "POST", "/me/password", json: ["current_password": "not the password", "new_password": "a brand new long passphrase"]
                )
                #expect(wrong.status == 401)
                let changed = try await here.send(
                    "POST", "/me/password", json: ["current_password": "the original long passphrase", "new_password": "a brand new long passphrase"]
                )
                #expect(changed.status == 204)
                #expect(try await here.send("GET", "/me").status == 200)
                #expect(try await there.send("GET", "/me").status == 401)
                // Changing the email needs a recent password entry.
                try await database.pool.execute("UPDATE sessions SET authenticated_at = now() - interval '1 hour'")
                #expect(try await here.send("POST", "/me/email", json: ["email": "new@example.org"]).status == 403)
                #expect(try await here.send("POST", "/auth/reauthenticate", json: ["password": "a brand new long passphrase"]).status == 204)
                #expect(try await here.send("POST", "/me/email", json: ["email": "new@example.org"]).status == 204)
                #expect(try await server.signIn(email: "new@example.org", password: "a brand new long passphrase").reply.status == 200)
            }
        }
    }
}
