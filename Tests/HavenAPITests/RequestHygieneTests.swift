import Foundation
import HavenCore
import HavenTesting
import Testing

/// CSRF, origins, content types, body sizes and fields that may not be set.
@Suite struct RequestHygieneTests {
    @Test func cookieAuthenticatedChangesNeedTheCSRFToken() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                var member = try await server.signUp(email: "csrf@example.org")
                let token = try #require(member.csrfToken)
                member.csrfToken = nil
                let missing = try await member.send("PATCH", "/me", json: ["display_name": "New"])
                #expect(missing.status == 403)
                #expect(missing.json["type"] as? String == "urn:haven:problem:csrf-token-invalid")
                member.csrfToken = "not-the-token"
                #expect(try await member.send("PATCH", "/me", json: ["display_name": "New"]).status == 403)
                member.csrfToken = token
                #expect(try await member.send("PATCH", "/me", json: ["display_name": "New"]).status == 200)
                // Reads need none.
                member.csrfToken = nil
                #expect(try await member.send("GET", "/me").status == 200)
                // The session token as a bearer carries no ambient authority: no CSRF token needed.
                let bearer = try await SessionClient(probe: server.client).send(
                    "PATCH", "/me", json: ["display_name": "Bearer"], headers: ["Authorization": "Bearer \(member.sessionToken ?? "")"]
                )
                #expect(bearer.status == 200)
            }
        }
    }

    @Test func crossOriginRequestsAreRefused() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let member = try await server.signUp(email: "origin@example.org")
                let evil = try await member.send("PATCH", "/me", json: ["display_name": "Pwned"], headers: ["Origin": "https://evil.example"])
                #expect(evil.status == 403)
                #expect(evil.json["type"] as? String == "urn:haven:problem:cross-origin")
                let site = try await member.send("PATCH", "/me", json: ["display_name": "Pwned"], headers: ["Sec-Fetch-Site": "cross-site"])
                #expect(site.status == 403)
                // Login CSRF: a cross-site sign-in form is refused too.
                let login = try await SessionClient(probe: server.client).send(
                    "POST", "/auth/login", json: ["email": "origin@example.org", "password": "a long and unusual passphrase"],
                    headers: ["Origin": "https://evil.example"]
                )
                #expect(login.status == 403)
                let port = server.baseURL.port ?? 0
                let same = try await member.send(
                    "PATCH", "/me", json: ["display_name": "Fine"], headers: ["Origin": "https://localhost:\(port)", "Sec-Fetch-Site": "same-origin"]
                )
                #expect(same.status == 200)
            }
        }
    }

    @Test func malformedOversizeMistypedAndForbiddenBodiesAreRefused() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let member = try await server.signUp(email: "bodies@example.org")
                let malformed = try await member.send("PATCH", "/me", json: "{\"display_name\": ")
                #expect(malformed.status == 400)
                #expect(malformed.json["type"] as? String == "urn:haven:problem:malformed-body")
                let megabyte = "{\"display_name\": \"" + String(repeating: "a", count: 1 << 20) + "\"}"
                let huge = try await member.send("PATCH", "/me", json: megabyte)
                #expect(huge.status == 413)
                let role = try await member.send("PATCH", "/me", json: ["display_name": "Me", "role": "administrator"])
                #expect(role.status == 400)
                #expect(role.json["type"] as? String == "urn:haven:problem:unknown-field")
                #expect((role.json["detail"] as? String)?.contains("role") == true)
                #expect(try await member.send("GET", "/me").json["role"] as? String == "member", "role was not applied")
                let unknown = try await SessionClient(probe: server.client).send(
                    "POST", "/auth/login", json: ["email": "a@b.c", "password": "x", "remember_me": true]
                )
                #expect(unknown.status == 400)
                let wrongType = try await member.send("PATCH", "/me", json: "{\"display_name\": 42}")
                #expect(wrongType.status == 422)
                let form = try await member.send(
                    "PATCH", "/me", json: "display_name=Me", headers: ["Content-Type": "application/x-www-form-urlencoded"]
                )
                #expect(form.status == 415)
                #expect(form.json["type"] as? String == "urn:haven:problem:unsupported-media-type")
                #expect(try await member.send("PUT", "/me", json: ["display_name": "Me"]).status == 405)
            }
        }
    }

    @Test func authenticatedResponsesAreNotCached() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let member = try await server.signUp(email: "cache@example.org")
                for path in ["/me", "/me/sessions", "/auth/session", "/me/api-tokens"] {
                    let reply = try await member.send("GET", path)
                    #expect(reply.status == 200)
                    #expect(reply.header("Cache-Control") == "no-store", "\(path)")
                }
            }
        }
    }
}
