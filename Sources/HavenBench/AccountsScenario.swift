import Foundation
import HavenAPI
import HavenCore
import HavenSchema
import HavenTesting
import Logging
import OpenSSLTLS
import PasswordHashing
import PostgresClient

/// Sign-in throughput through the HTTP API against raw Argon2id verifications with the same
/// parameters on as many threads as cores; and the p99 latency of an authenticated read while
/// sign-ins flood the server.
struct AccountsScenario {
    let cluster: EmbeddedPostgres
    let seconds: Int
    let rounds: Int
    let work: URL

    static let password = "a long and unusual measuring passphrase"

    func run(into report: inout BenchReport) async throws {
        try FileManager.default.createDirectory(at: self.work, withIntermediateDirectories: true)
        let pool = try await self.cluster.migratedDatabase("bench_accounts")
        defer { Task { await pool.shutdown() } }

        let hasher = try PasswordHasher()
        let hashing = try PasswordHashingPool(hasher: hasher)
        defer { hashing.shutdown() }
        var configuration = AccountsConfiguration()
        configuration.throttleFreeFailures = 1_000_000
        let accounts = Accounts(pool: pool, hashing: hashing, secret: ServerSecret.generate(), configuration: configuration)
        let reader = try await accounts.benchMember("bench@haven.test", password: Self.password)
        let services = HavenServices(pool: pool, migrator: try HavenSchema.migrator(), accounts: accounts, documentKeys: TestServices.documentKeys)
        let login = self.work.appending(path: "login.lua").path
        try """
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "application/json"
            wrk.body = '{"email": "bench@haven.test", "password": "\(Self.password)"}'
            """.write(toFile: login, atomically: true, encoding: .utf8)

        var raw: [Double] = []
        var logins: [Double] = []
        var p99: [Double] = []
        try await BenchServer.serving(services, work: self.work) { port in
            let tlsScenario = TLSScenario(seconds: self.seconds, rounds: 1, work: self.work)
            for _ in 0..<self.rounds {
                raw.append(try Self.rawVerificationsPerSecond(hasher: hasher, seconds: self.seconds))
                logins.append(try await tlsScenario.wrk(
                    port: port, path: "/auth/login", connections: 8, close: false, script: login
                ).requests)
                // A reader polls its own account while eight clients sign in as fast as they can.
                async let flood = tlsScenario.wrk(port: port, path: "/auth/login", connections: 8, close: false, script: login)
                try await Task.sleep(for: .milliseconds(500))
                let read = try await tlsScenario.wrk(
                    port: port, path: "/me", connections: 2, close: false, headers: ["Cookie: __Host-haven_session=\(reader.token.text)"],
                    seconds: max(1, self.seconds - 1)
                )
                _ = try await flood
                p99.append(read.p99)
            }
        }
        report.rows.append(.init(
            scenario: "sign-ins/s over HTTPS (Argon2id m=19 MiB t=2)", haven: PoolScenario.median(logins),
            reference: PoolScenario.median(raw), referenceName: "raw libargon2 verifies, \(ProcessInfo.processInfo.activeProcessorCount) threads",
            unit: "/s", target: 0.90
        ))
        report.notes.append(
            "p99 of GET /me while 8 clients flood sign-in: \(String(format: "%.1f", PoolScenario.median(p99))) ms (target < 50 ms: "
                + (PoolScenario.median(p99) < 50 ? "met" : "MISSED") + ")"
        )
    }

    /// Argon2id verifications per second on one thread per core, for `seconds`.
    static func rawVerificationsPerSecond(hasher: PasswordHasher, seconds: Int) throws -> Double {
        let stored = try hasher.hash(self.password)
        let threads = ProcessInfo.processInfo.activeProcessorCount
        let deadline = Date().addingTimeInterval(Double(seconds))
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: threads)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        let group = DispatchGroup()
        let start = Date()
        for index in 0..<threads {
            group.enter()
            let counter = UnsafeTransferred(counts)
            Thread {
                var count = 0
                while Date() < deadline {
                    _ = try? hasher.verify(Self.password, against: stored)
                    count += 1
                }
                counter.value[index] = count
                group.leave()
            }.start()
        }
        group.wait()
        return Double(counts.reduce(0, +)) / Date().timeIntervalSince(start)
    }
}

/// Hands a buffer to threads that each write their own element.
struct UnsafeTransferred<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
