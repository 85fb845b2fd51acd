import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

@Suite struct TwoFactorTests {
    @Test func totpEnrolmentSignInReplayAndRecoveryCodes() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let password = "a long and unusual passphrase"
                let member = try await server.signUp(email: "totp@example.org", password: password)
                let enrolment = try await member.send("POST", "/me/two-factor")
                #expect(enrolment.status == 201)
                let secret = try #require(enrolment.json["secret"] as? String)
                let uri = try #require(enrolment.json["uri"] as? String)
                #expect(uri.hasPrefix("otpauth://totp/Haven:totp@example.org?secret=\(secret)"))
                // The same URI as a QR code a page can show as it is: read back by a real decoder.
                let svg = try #require(enrolment.json["qr_svg"] as? String)
                #expect(svg.hasPrefix("<svg ") && svg.contains(#"role="img""#) && !svg.contains("style") && !svg.contains("<script"))
                let scanned = try await QRCodeReader.read(svg: svg)
                #expect(String(decoding: scanned, as: UTF8.self) == uri)
                // The secret is sealed at rest, not stored as is.
                let sealed = try await database.pool.query("SELECT totp_secret_sealed FROM accounts WHERE email = 'totp@example.org'")
                    .first?.decode(column: 0, as: [UInt8].self) ?? []
                #expect(!sealed.isEmpty && sealed != Base32.decode(secret))

                let wrongFirst = try await member.send("POST", "/me/two-factor/confirm", json: ["code": "000000"])
                #expect(wrongFirst.status == 401)
                let confirmed = try await member.send("POST", "/me/two-factor/confirm", json: ["code": server.totp(secret)])
                #expect(confirmed.status == 200)
                let codes = try #require(confirmed.json["recovery_codes"] as? [String])
                #expect(codes.count == 10 && Set(codes).count == 10)

                // Password alone is not enough now.
                let passwordOnly = try await server.signIn(email: "totp@example.org", password: password).reply
                #expect(passwordOnly.status == 401)
                #expect(passwordOnly.json["type"] as? String == "urn:haven:problem:second-factor-required")
                let wrongCode = try await server.signIn(email: "totp@example.org", password: password, totp: "123456").reply
                #expect(wrongCode.status == 401)
                #expect(wrongCode.json["type"] as? String == "urn:haven:problem:invalid-credentials")
                // The next step's code (the one used to confirm is spent), accepted once.
                let code = server.totp(secret, offset: 1)
                #expect(try await server.signIn(email: "totp@example.org", password: password, totp: code).reply.status == 200)
                let replay = try await server.signIn(email: "totp@example.org", password: password, totp: code).reply
                #expect(replay.status == 401, "a TOTP code works once")
                // A recovery code, once; lower case and without the hyphen too.
                let recovery = codes[3].lowercased().replacing("-", with: "")
                #expect(try await server.signIn(email: "totp@example.org", password: password, recovery: recovery).reply.status == 200)
                #expect(try await server.signIn(email: "totp@example.org", password: password, recovery: codes[3]).reply.status == 401)
                let stored = try await database.pool.query("SELECT count(*) FROM recovery_codes WHERE used_at IS NULL")
                    .first?.decode(column: 0, as: Int.self)
                #expect(stored == 9)
            }
        }
    }

    @Test func staffCannotUseThePlatformBeforeEnrolling() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let moderator = try await server.signUp(email: "mod@example.org", role: .moderator)
                #expect(try await moderator.send("GET", "/me").status == 200)
                let blocked = try await moderator.send("GET", "/me/sessions")
                #expect(blocked.status == 403)
                #expect(blocked.json["type"] as? String == "urn:haven:problem:second-factor-enrolment-required")
                let enrolment = try await moderator.send("POST", "/me/two-factor")
                let secret = try #require(enrolment.json["secret"] as? String)
                #expect(try await moderator.send("POST", "/me/two-factor/confirm", json: ["code": server.totp(secret)]).status == 200)
                #expect(try await moderator.send("GET", "/me/sessions").status == 200)
                // Staff cannot turn it off again.
                let off = try await moderator.send(
                    "DELETE", "/me/two-factor", json: ["password": "a long and unusual passphrase", "totp_code": server.totp(secret, offset: 1)]
                )
                #expect(off.status == 422)
            }
        }
    }
}
