import Foundation
import HavenCore
import HavenTesting
import PasswordHashing
import Testing

@Suite struct PasswordHashingLoadTests {
    @Test func aLoginFloodGets503WithRetryAfterInsteadOfPilingUp() async throws {
        // Slow hashes (t=12), so that even on a busy machine the requests overlap.
        let hashing = try PasswordHashingPool(hasher: PasswordHasher(parameters: Argon2Parameters(iterations: 12)), workers: 1, queueLimit: 1)
        defer { hashing.shutdown() }
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), hashing: hashing) { server in
                let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                    for index in 0..<16 {
                        group.addTask {
                            let reply = try await server.signIn(email: "flood\(index)@example.org", password: "a wrong long passphrase").reply
                            return (reply.status, reply.header("Retry-After"))
                        }
                    }
                    return try await group.reduce(into: [(Int, String?)]()) { $0.append($1) }
                }
                #expect(statuses.allSatisfy { [401, 503].contains($0.0) }, "\(statuses)")
                #expect(statuses.contains { $0.0 == 503 && $0.1 == "1" }, "\(statuses)")
                #expect(statuses.contains { $0.0 == 401 })
                #expect(hashing.queueDepth == 0)
            }
        }
    }
}
