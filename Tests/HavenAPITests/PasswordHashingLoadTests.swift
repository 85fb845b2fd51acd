import Foundation
import HavenCore
import HavenTesting
import PasswordHashing
import Testing

@Suite struct PasswordHashingLoadTests {
    @Test func unknownAccountsCostWhatKnownOnesDo() async throws {
        // A pool of its own, so other tests' hashes do not queue in front of these.
        let hashing = try PasswordHashingPool(hasher: PasswordHasher(), workers: 1, queueLimit: 8)
        defer { hashing.shutdown() }
        try await TestDatabase.with { database in
            let accounts = Accounts(pool: database.pool, hashing: hashing, secret: TestServices.secret, configuration: lenientAccounts())
            let (_, token) = try await accounts.invite(email: "timed@example.org", role: .member, by: nil)
            let client = ClientInfo(userAgent: "timing", address: "192.0.2.10")
            _ = try await accounts.acceptInvitation(token: token.text, displayName: "Timed", password: "the right long passphrase", client: client)
            let clock = ContinuousClock()
            func time(_ email: String) async -> Duration {
                let start = clock.now
                _ = try? await accounts.signIn(email: email, password: "a wrong long passphrase", client: client)
                return clock.now - start
            }
            var known: [Duration] = []
            var unknown: [Duration] = []
            for round in 0..<40 {
                // Alternate the order so drift in the machine's load hits both alike.
                if round.isMultiple(of: 2) {
                    known.append(await time("timed@example.org"))
                    unknown.append(await time("nobody-\(round)@example.org"))
                } else {
                    unknown.append(await time("nobody-\(round)@example.org"))
                    known.append(await time("timed@example.org"))
                }
            }
            func median(_ values: [Duration]) -> Double {
                let sorted = values.sorted()
                let middle = sorted[sorted.count / 2]
                return Double(middle.components.seconds) + Double(middle.components.attoseconds) / 1e18
            }
            let (k, u) = (median(known), median(unknown))
            let difference = abs(k - u) / max(k, u)
            #expect(difference < 0.10, "median known \(k) s, unknown \(u) s: \(Int(difference * 100))% apart")
        }
    }

    @Test func aLoginFloodGets503WithRetryAfterInsteadOfPilingUp() async throws {
        let hashing = try PasswordHashingPool(hasher: PasswordHasher(), workers: 1, queueLimit: 1)
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
