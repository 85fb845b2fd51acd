import HavenCore
import HavenTesting
import Testing

@Suite struct BootstrapTests {
    @Test func firstAdministratorIsInvitedOnlyOnAnEmptyInstallation() async throws {
        try await TestDatabase.with { database in
            let accounts = Accounts(pool: database.pool, hashing: try TestServices.hashing, secret: TestServices.secret)
            let token = try await accounts.bootstrapInvitation(email: "first@example.org")
            #expect(token != nil)
            // An open invitation is enough to stop a second one.
            #expect(try await accounts.bootstrapInvitation(email: "second@example.org") == nil)
            let session = try await accounts.acceptInvitation(
                token: try #require(token).text, displayName: "First", password: "a long and unusual passphrase",
                client: ClientInfo(userAgent: nil, address: nil)
            )
            #expect(session.account.role == .administrator)
            #expect(try await accounts.bootstrapInvitation(email: "third@example.org") == nil)
        }
    }
}
