import Foundation
import HavenAPI
import HavenCore
import HavenSchema
import HavenTesting
import Logging
import OpenSSLTLS
import PasswordHashing
import PostgresClient

/// The forums under load, on a seeded database (10,000 topics and 1,000,000 posts by default):
/// a topic page (the topic and 50 posts with authors, reactions and the reader's read state) at
/// 32 connections over HTTPS, and the latency of one searcher looking up single words in each of
/// the six languages (three words each, in turn).
struct ForumsScenario {
    let cluster: EmbeddedPostgres
    let seconds: Int
    let rounds: Int
    let work: URL
    var topics = ProcessInfo.processInfo.environment["BENCH_FORUM_TOPICS"].flatMap(Int.init) ?? 10_000
    var posts = ProcessInfo.processInfo.environment["BENCH_FORUM_POSTS"].flatMap(Int.init) ?? 1_000_000

    /// Words of middling frequency in the seeded text, per language.
    static let searchWords: [(language: String, words: [String])] = [
        ("en", ["reconciliation", "mentoring", "safeguarding"]), ("fr", ["réconciliation", "tutorat", "protection"]),
        ("es", ["reconciliación", "tutoría", "salvaguarda"]), ("ru", ["примирение", "наставничество", "защита"]),
        ("ar", ["المصالحة", "التوجيه", "الحماية"]), ("zh", ["和解", "辅导", "保护"]),
    ]

    func run(into report: inout BenchReport) async throws {
        try FileManager.default.createDirectory(at: self.work, withIntermediateDirectories: true)
        let pool = try await self.cluster.migratedDatabase("bench_forums")
        defer { Task { await pool.shutdown() } }

        let started = ContinuousClock.now
        let summary = try await ForumSeeder(topics: self.topics, posts: self.posts).run(on: pool) { done, total in
            let percent = 100 * done / max(total, 1)
            FileHandle.standardError.write(Data("\rSeeding forums: \(percent)% (\(done)/\(total) posts)".utf8))
        }
        let seedSeconds = Double((ContinuousClock.now - started).components.seconds)
        FileHandle.standardError.write(Data("\n".utf8))

        let hashing = try PasswordHashingPool(hasher: try PasswordHasher())
        defer { hashing.shutdown() }
        let accounts = Accounts(pool: pool, hashing: hashing, secret: ServerSecret.generate())
        let reader = try await accounts.benchMember("reader@haven.test")
        var configuration = ForumsConfiguration()
        configuration.searchesPerMinute = 10_000_000
        let services = HavenServices(pool: pool, migrator: try HavenSchema.migrator(), accounts: accounts, forums: configuration, documentKeys: TestServices.documentKeys)
        // Topic pages: 200 topics, in turn.
        let pages = self.work.appending(path: "topics.lua").path
        try Self.rotation(summary.topics.prefix(200).map { "/forums/topics/\($0.uuidString.lowercased())" }).write(
            toFile: pages, atomically: true, encoding: .utf8
        )
        // The same topics as the web interface's pages.
        let webPages = self.work.appending(path: "web-topics.lua").path
        try Self.rotation(summary.topics.prefix(200).map { "/web/topics/\($0.uuidString.lowercased())" }).write(
            toFile: webPages, atomically: true, encoding: .utf8
        )
        var matches: [String: [Int]] = [:]
        for (language, words) in Self.searchWords {
            for word in words {
                let count = try await pool.query(
                    """
                    SELECT count(*)::int FROM forum_posts
                    WHERE state = 'published' AND search_vector @@ forum_search_query(\(word), NULL::text)
                    """
                ).first?.decode(column: 0, as: Int32.self)
                matches[language, default: []].append(Int(count ?? 0))
            }
        }
        let cookie = "Cookie: __Host-haven_session=\(reader.token.text)"
        var pageLoads: [TLSScenario.Load] = []
        var webLoads: [TLSScenario.Load] = []
        var searches: [String: [Double]] = [:]
        var weight = (html: 0, assets: 0)
        try await BenchServer.serving(services, work: self.work) { port in
            weight = try await Self.webPageWeight(port: port, topic: summary.topics[0], cookie: cookie, work: self.work)
            let wrk = TLSScenario(seconds: self.seconds, rounds: 1, work: self.work)
            for _ in 0..<self.rounds {
                pageLoads.append(try await wrk.wrk(port: port, path: "/", connections: 32, close: false, script: pages, headers: [cookie]))
                webLoads.append(try await wrk.wrk(port: port, path: "/", connections: 32, close: false, script: webPages, headers: [cookie]))
                for (language, words) in Self.searchWords {
                    let script = self.work.appending(path: "search-\(language).lua").path
                    try Self.rotation(words.map { "/forums/search?q=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) })
                        .write(toFile: script, atomically: true, encoding: .utf8)
                    let load = try await wrk.wrk(
                        port: port, path: "/", connections: 1, close: false, script: script, headers: [cookie], seconds: max(2, self.seconds / 2)
                    )
                    searches[language, default: []].append(load.p99)
                }
            }
        }
        let pageRate = PoolScenario.median(pageLoads.map(\.requests))
        let pageP99 = PoolScenario.median(pageLoads.map(\.p99))
        report.notes.append(
            "forums seeded with \(summary.topics.count) topics and \(self.posts) posts in \(Int(seedSeconds)) s"
        )
        report.notes.append(
            "topic page (topic + 50 posts, authors, reactions, read state) at 32 connections over HTTPS: "
                + "\(Int(pageRate)) req/s, p99 \(String(format: "%.1f", pageP99)) ms (target < 20 ms: \(pageP99 < 20 ? "met" : "MISSED"))"
        )
        let webRate = PoolScenario.median(webLoads.map(\.requests))
        let webP99 = PoolScenario.median(webLoads.map(\.p99))
        let total = weight.html + weight.assets
        report.notes.append(
            "web topic page (the same topics rendered as HTML): \(Int(webRate)) req/s, p99 \(String(format: "%.1f", webP99)) ms; "
                + "weight \(total / 1024) KB (HTML \(weight.html / 1024) KB, style sheet and script \(weight.assets / 1024) KB, no images; "
                + "target < 100 KB: \(total < 100 * 1024 ? "met" : "MISSED"))"
        )
        for (language, _) in Self.searchWords {
            let p99 = PoolScenario.median(searches[language] ?? [])
            report.notes.append(
                "search p99, \(language), one searcher, words matching \(matches[language]?.min() ?? 0)–\(matches[language]?.max() ?? 0) posts: "
                    + "\(String(format: "%.1f", p99)) ms (target < 50 ms: \(p99 < 50 ? "met" : "MISSED"))"
            )
        }
    }

    /// The bytes a browser fetches for a topic page: the HTML and the style sheet and script it links.
    static func webPageWeight(port: Int, topic: UUID, cookie: String, work: URL) async throws -> (html: Int, assets: Int) {
        guard let base = URL(string: "https://127.0.0.1:\(port)") else { throw ProbeError.badPath("port \(port)") }
        let probe = HTTPProbe(baseURL: base, trusting: work.appending(path: "cert.pem").path)
        let page = try await probe.get("/web/topics/\(topic.uuidString.lowercased())", headers: ["Cookie": String(cookie.dropFirst("Cookie: ".count))])
        var assets = 0
        for match in page.text.matches(of: /(?:href|src)="(\/web\/assets\/[^"]+)"/) {
            assets += try await probe.get(String(match.output.1)).body.count
        }
        return (page.body.count, assets)
    }

    /// A wrk script requesting `paths` in turn.
    static func rotation(_ paths: [String]) -> String {
        let list = paths.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            local paths = {\(list)}
            local i = 0
            request = function()
              i = i + 1
              return wrk.format("GET", paths[(i % #paths) + 1])
            end
            """
    }
}
