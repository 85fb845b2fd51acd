import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// Settings that keep tests about other things clear of throttling.
func lenientAccounts() -> AccountsConfiguration {
    var configuration = AccountsConfiguration()
    configuration.throttleFreeFailures = 1_000
    return configuration
}

/// Forum settings that keep tests about other things clear of pre-moderation and rate limits.
func lenientForums() -> ForumsConfiguration {
    var configuration = ForumsConfiguration()
    configuration.trustedAfterApprovedPosts = 0
    configuration.postsPerMinute = 10_000
    configuration.searchesPerMinute = 10_000
    return configuration
}

extension TestServer {
    /// The current TOTP code for a Base32 secret.
    func totp(_ secret: String, offset: Int64 = 0) -> String {
        TOTP.code(secret: Base32.decode(secret) ?? [], step: TOTP.step(at: Date()) + offset)
    }

    /// An administrator with TOTP enrolled, signed in; returns the client and the TOTP secret.
    func administrator(email: String = "admin@haven.test") async throws -> (client: SessionClient, secret: String) {
        try await self.staff(email: email, role: .administrator)
    }

    /// A staff member (moderator or administrator) with TOTP enrolled, signed in.
    func staff(email: String, role: Role) async throws -> (client: SessionClient, secret: String) {
        let client = try await self.signUp(email: email, role: role, name: "Staff")
        let enrolment = try await client.send("POST", "/me/two-factor")
        #expect(enrolment.status == 201, "\(enrolment.text)")
        let secret = try #require(enrolment.json["secret"] as? String)
        let confirmed = try await client.send("POST", "/me/two-factor/confirm", json: ["code": self.totp(secret)])
        #expect(confirmed.status == 200, "\(confirmed.text)")
        return (client, secret)
    }

    /// The body of the newest mail of `kind` to `recipient` in the outbox.
    func lastMail(to recipient: String, kind: String) async throws -> String? {
        try await self.services.pool.query(
            "SELECT body FROM mail_outbox WHERE recipient = \(recipient) AND kind = \(kind) ORDER BY created_at DESC LIMIT 1"
        ).first?.decode(column: 0, as: String.self)
    }

    /// The token after `#` in a mailed link.
    func token(inMail body: String?) -> String? {
        body?.split(separator: "\n").first { $0.contains("#") }?.split(separator: "#").last.map(String.init)
    }
}

extension SessionClient {
    /// The signed-in account's id.
    func accountID() async throws -> UUID {
        let me = try await self.send("GET", "/me")
        return try #require(UUID(uuidString: me.json["id"] as? String ?? ""))
    }
}
