import Foundation
import PostgresClient

/// Simple-query round trips through `PostgresPool` against `pgbench -S` on the same server:
/// the same statement (`SELECT abalance FROM pgbench_accounts WHERE aid = ?`), the same number of
/// connections, the same duration, one after the other.
struct PoolScenario {
    let cluster: EmbeddedPostgres
    let binaries: URL
    let connections: Int
    let seconds: Int
    let rounds: Int
    let scale = 10

    func run(into report: inout BenchReport) async throws {
        let database = "bench"
        let admin = try PostgresPool(configuration: .init(connection: self.cluster.configuration(), maximumConnections: 1))
        _ = try? await admin.execute("DROP DATABASE IF EXISTS bench")
        try await admin.execute("CREATE DATABASE bench")
        await admin.shutdown()
        try await self.pgbench(["-i", "-q", "-s", String(self.scale), database])

        // Alternate the tools over several rounds and compare medians: one tool's luck with the
        // machine (another process, a checkpoint) does not decide the ratio.
        _ = try await self.pgbench(["-S", "-n", "-c", String(self.connections), "-j", "2", "-T", "2", database])
        var simple: [Double] = []
        var prepared: [Double] = []
        var haven: [Double] = []
        for _ in 0..<self.rounds {
            simple.append(try self.tps(await self.pgbench(self.pgbenchArguments(database, prepared: false))))
            haven.append(try await self.havenTPS(database: database))
            prepared.append(try self.tps(await self.pgbench(self.pgbenchArguments(database, prepared: true))))
        }
        report.rows.append(.init(
            scenario: "pool round trips/s, \(self.connections) connections",
            haven: Self.median(haven), reference: Self.median(simple), referenceName: "pgbench -S", unit: "q/s", target: 0.70
        ))
        report.rows.append(.init(
            scenario: "pool round trips/s, \(self.connections) connections",
            haven: Self.median(haven), reference: Self.median(prepared), referenceName: "pgbench -S -M prepared", unit: "q/s",
            target: nil
        ))
    }

    func pgbenchArguments(_ database: String, prepared: Bool) -> [String] {
        ["-S", "-n", "-M", prepared ? "prepared" : "simple", "-c", String(self.connections), "-j", "2", "-T", String(self.seconds), database]
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    /// Queries per second with `connections` tasks, each looping on the pool for `seconds`.
    func havenTPS(database: String) async throws -> Double {
        let pool = try PostgresPool(configuration: .init(
            connection: self.cluster.configuration(database: database), maximumConnections: self.connections
        ))
        let accounts = 100_000 * self.scale
        // Warm-up: open every connection and prepare the statement on each.
        for _ in 0..<2 {
            try await self.loop(pool: pool, accounts: accounts, until: ContinuousClock.now + .seconds(1))
        }
        let start = ContinuousClock.now
        let count = try await self.loop(pool: pool, accounts: accounts, until: start + .seconds(self.seconds))
        let elapsed = ContinuousClock.now - start
        await pool.shutdown()
        return Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    @discardableResult
    private func loop(pool: PostgresPool, accounts: Int, until deadline: ContinuousClock.Instant) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<self.connections {
                group.addTask {
                    var count = 0
                    // A cheap generator, as pgbench uses: the system CSPRNG costs a system call.
                    var generator = SplitMix64(seed: UInt64.random(in: 1...UInt64.max))
                    while ContinuousClock.now < deadline {
                        let aid = Int.random(in: 1...accounts, using: &generator)
                        let rows = try await pool.query("SELECT abalance FROM pgbench_accounts WHERE aid = \(aid)")
                        _ = try rows.first?.decode(column: 0, as: Int.self)
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
    }

    @discardableResult
    func pgbench(_ arguments: [String]) async throws -> String {
        let bundled = self.binaries.appending(path: "pgbench").path
        let executable = FileManager.default.isExecutableFile(atPath: bundled) ? bundled : "/usr/bin/pgbench"
        let socket = ["-h", self.cluster.socketDirectory.path, "-p", String(self.cluster.port), "-U", self.cluster.superuser]
        let (status, output) = try await ChildProcess.run(executable, socket + arguments)
        guard status == 0 else { throw BenchError.toolFailed("pgbench \(arguments.joined(separator: " "))", output) }
        return output
    }

    func tps(_ output: String) throws -> Double {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
            let value = Double(line.dropFirst(6).prefix { $0 != " " })
        else { throw BenchError.toolFailed("pgbench output", output) }
        return value
    }
}

enum BenchError: Error, CustomStringConvertible {
    case toolFailed(String, String)

    var description: String {
        switch self {
        case .toolFailed(let tool, let output): "\(tool) failed:\n\(output)"
        }
    }
}

/// SplitMix64: fast, statistically fine, not for secrets.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
