import Foundation
import HavenAPI
import PostgresClient

/// `make bench`: starts what it needs (an embedded PostgreSQL), runs bounded loads on this machine
/// only, and prints one table of figures and ratios against reference tools run alongside.
/// BENCH_SECONDS sets each measurement's duration (default 5), BENCH_ROUNDS the rounds (default 3),
/// BENCH_ONLY one scenario (`pool`, `accounts`, `tls`, `documents`, `qrcode` or `forums`); BENCH_FORUM_TOPICS and
/// BENCH_FORUM_POSTS the size of the seeded forums (default 10,000 and 1,000,000); BENCH_DOCUMENT_GIB and
/// BENCH_DOCUMENT_PARALLEL the size and number of the large document transfers (default 1 and 10).
@main
struct HavenBench {
    static func main() async throws {
        // As `haven serve` does: the server runs in this process.
        Allocator.limitArenas()
        let seconds = ProcessInfo.processInfo.environment["BENCH_SECONDS"].flatMap(Int.init) ?? 5
        let rounds = ProcessInfo.processInfo.environment["BENCH_ROUNDS"].flatMap(Int.init) ?? 3
        let folder = URL(filePath: "/tmp").appending(path: "haven-bench-\(getpid())")
        let cluster = EmbeddedPostgres(directory: folder, settings: ["max_connections": "50", "shared_buffers": "256MB"])
        try await cluster.start()
        var report = BenchReport()
        do {
            print("Benchmarking on \(ProcessInfo.processInfo.activeProcessorCount) cores: \(rounds) rounds of \(seconds) s per tool, medians…")
            let only = ProcessInfo.processInfo.environment["BENCH_ONLY"]
            if only == nil || only == "pool" {
                try await PoolScenario(
                    cluster: cluster, binaries: try await EmbeddedPostgres.findBinaries(), connections: 8, seconds: seconds, rounds: rounds
                ).run(into: &report)
            }
            if only == nil || only == "accounts" {
                try await AccountsScenario(cluster: cluster, seconds: seconds, rounds: rounds, work: folder.appending(path: "accounts"))
                    .run(into: &report)
            }
            if only == nil || only == "tls" {
                try await TLSScenario(seconds: seconds, rounds: rounds, work: folder.appending(path: "tls")).run(into: &report)
            }
            if only == nil || only == "documents" {
                try await DocumentsScenario(cluster: cluster, seconds: seconds, rounds: rounds, work: folder.appending(path: "documents"))
                    .run(into: &report)
            }
            if only == nil || only == "qrcode" {
                try QRCodeScenario(rounds: rounds).run(into: &report)
            }
            if only == nil || only == "forums" {
                // Its own server, with room for the million posts in shared buffers (as a server
                // sized for them would have), so the other scenarios keep their settings.
                let forums = EmbeddedPostgres(
                    directory: folder.appending(path: "forums-postgres"), settings: ["max_connections": "50", "shared_buffers": "2GB"]
                )
                try await forums.start()
                do {
                    try await ForumsScenario(cluster: forums, seconds: seconds, rounds: rounds, work: folder.appending(path: "forums"))
                        .run(into: &report)
                } catch {
                    try? await forums.stop()
                    throw error
                }
                try await forums.stop()
            }
        } catch {
            try? await cluster.stop()
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        try await cluster.stop()
        try? FileManager.default.removeItem(at: folder)
        print(report.render())
    }
}
