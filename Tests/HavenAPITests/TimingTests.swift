import Foundation
import HavenCore
import HavenTesting
import PasswordHashing
import Testing

/// Measurements of time. `make test` runs this suite on its own, after the rest, so that the other
/// suites' parallel load cannot blur it.
@Suite(.serialized) struct TimingTests {
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
            for round in 0..<60 {
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

}
