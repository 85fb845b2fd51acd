import Foundation
import HavenAPI
import HavenCore
import HavenSchema
import HavenTesting
import OpenSSLTLS
import PasswordHashing
import PostgresClient

/// Documents under load over HTTPS, curl and wrk as clients: the throughput of uploading and of
/// downloading a 100 MiB document (encrypted at rest, so every byte is sealed on the way in and
/// opened on the way out) against nginx receiving and serving the same bytes in plaintext; then
/// the server's resident memory while one 1 GiB file goes up and down, and while ten do at once.
struct DocumentsScenario {
    let cluster: EmbeddedPostgres
    let seconds: Int
    let rounds: Int
    let work: URL
    /// Size of the large transfers, GiB, and how many run at once.
    var gibibytes = ProcessInfo.processInfo.environment["BENCH_DOCUMENT_GIB"].flatMap(Int.init) ?? 1
    var parallel = ProcessInfo.processInfo.environment["BENCH_DOCUMENT_PARALLEL"].flatMap(Int.init) ?? 10

    func run(into report: inout BenchReport) async throws {
        try FileManager.default.createDirectory(at: self.work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: self.work) }
        let pool = try await self.cluster.migratedDatabase("bench_documents", connections: self.parallel + 6)
        defer { Task { await pool.shutdown() } }

        let hashing = try PasswordHashingPool(hasher: try PasswordHasher())
        defer { hashing.shutdown() }
        let accounts = Accounts(pool: pool, hashing: hashing, secret: ServerSecret.generate())
        let uploader = try await accounts.benchMember("uploader@haven.test")
        var configuration = DocumentsConfiguration()
        configuration.maximumFileSize = Int64(self.gibibytes) << 30
        configuration.quotaPerMember = Int64(self.gibibytes * (self.parallel + 2) + 1) << 30
        configuration.vettedSpaces = []
        let services = HavenServices(
            pool: pool, migrator: try HavenSchema.migrator(), accounts: accounts, documentKeys: TestServices.documentKeys, documents: configuration
        )
        // A session token as a bearer token: no anti-CSRF token needed.
        let cookie = "Authorization: Bearer \(uploader.token.text)"
        let hundred = try Self.textFile(at: self.work.appending(path: "hundred.txt"), bytes: 100 << 20)
        let large = try Self.textFile(at: self.work.appending(path: "large.txt"), bytes: self.gibibytes << 30)

        let tls = TLSScenario(seconds: self.seconds, rounds: 1, work: self.work)
        let certificate = self.work.appending(path: "nginx-cert.pem").path
        let key = self.work.appending(path: "nginx-key.pem").path
        try DevelopmentCertificate.create(certificatePath: certificate, keyPath: key)
        try FileManager.default.copyItem(at: hundred, to: self.work.appending(path: "big"))
        let nginxPort = try TLSScenario.freePort()
        let nginx = try await tls.startNginx(port: nginxPort, certificate: certificate, key: key)
        defer { nginx.signal(SIGQUIT) }

        var uploads: (haven: [Double], nginx: [Double]) = ([], [])
        var downloads: (haven: [Double], nginx: [Double]) = ([], [])
        var memory: [String] = []
        try await BenchServer.serving(services, work: self.work) { port in
            let base = "https://127.0.0.1:\(port)"
            var document = ""
            for _ in 0..<self.rounds {
                uploads.nginx.append(try await Self.upload(hundred, to: "https://127.0.0.1:\(nginxPort)/upload", headers: []).rate)
                let (rate, reply) = try await Self.upload(hundred, to: base + Self.uploadPath("Hundred"), headers: [cookie])
                uploads.haven.append(rate)
                document = try Self.documentID(reply)
                downloads.nginx.append(try await tls.wrk(port: nginxPort, path: "/big", connections: 1, close: false).bytes)
                downloads.haven.append(
                    try await tls.wrk(port: port, path: "/documents/\(document)/content", connections: 1, close: false, headers: [cookie]).bytes
                )
            }

            // Memory: one large file up and down, then `parallel` at once, sampling this process
            // (the server runs in it) every 20 ms.
            for count in [1, self.parallel] {
                let baseline = MemorySampler.residentBytes()
                var sampling = Task { await MemorySampler().run() }
                let started = ContinuousClock.now
                let ids = try await withThrowingTaskGroup(of: String.self) { group in
                    for index in 0..<count {
                        group.addTask { try Self.documentID(try await Self.upload(large, to: base + Self.uploadPath("Large \(index)"), headers: [cookie]).reply) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let uploaded = ContinuousClock.now - started
                sampling.cancel()
                let uploadPeak = await sampling.value
                sampling = Task { await MemorySampler().run() }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for id in ids {
                        group.addTask { try await Self.download(base + "/documents/\(id)/content", headers: [cookie], expecting: Int64(self.gibibytes) << 30) }
                    }
                    try await group.waitForAll()
                }
                let downloaded = ContinuousClock.now - started - uploaded
                sampling.cancel()
                let downloadPeak = await sampling.value
                func mebibytes(_ peak: Int) -> Double { Double(max(0, peak - baseline)) / 1_048_576 }
                let growth = max(mebibytes(uploadPeak), mebibytes(downloadPeak))
                memory.append(
                    "server memory, \(count) × \(self.gibibytes) GiB up (\(Self.seconds(uploaded)) s) then down (\(Self.seconds(downloaded)) s): "
                        + "resident grew at most \(String(format: "%.1f", mebibytes(uploadPeak))) MiB up, \(String(format: "%.1f", mebibytes(downloadPeak))) MiB down "
                        + "(target < 32 MiB: \(growth < 32 ? "met" : "MISSED"))"
                )
                try await pool.execute("DELETE FROM documents WHERE id = ANY(\(ids.compactMap(UUID.init(uuidString:))))")
            }
        }
        report.rows.append(.init(
            scenario: "document upload, 100 MiB over HTTPS (stored encrypted)",
            haven: PoolScenario.median(uploads.haven) / 1_048_576, reference: PoolScenario.median(uploads.nginx) / 1_048_576,
            referenceName: "nginx discarding", unit: "MiB/s", target: nil
        ))
        report.rows.append(.init(
            scenario: "document download, 100 MiB over HTTPS (decrypted)",
            haven: PoolScenario.median(downloads.haven) / 1_048_576, reference: PoolScenario.median(downloads.nginx) / 1_048_576,
            referenceName: "nginx plaintext file", unit: "MiB/s", target: 0.60
        ))
        report.notes += memory
    }

    static func uploadPath(_ title: String) -> String {
        let metadata = #"{"space":"library","titles":{"en":"\#(title)"},"language":"en","filename":"bench.txt"}"#
        return "/documents?metadata=" + (metadata.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }

    /// POSTs a file with curl (streamed from disk); returns bytes per second and the response body.
    static func upload(_ file: URL, to url: String, headers: [String]) async throws -> (rate: Double, reply: String) {
        var arguments = ["-sS", "-k", "--http1.1", "-X", "POST", "-H", "Content-Type: application/octet-stream", "-H", "Expect:", "-T", file.path]
        for header in headers { arguments += ["-H", header] }
        arguments += ["-w", "\n%{http_code} %{speed_upload}", url]
        let (status, output) = try await ChildProcess.run("/usr/bin/curl", arguments)
        let last = output.split(separator: "\n").last?.split(separator: " ") ?? []
        guard status == 0, last.count == 2, last[0].hasPrefix("2"), let rate = Double(last[1]) else {
            throw BenchError.toolFailed("curl upload to \(url)", output)
        }
        return (rate, output)
    }

    /// GETs a URL with curl into nowhere, checking the size.
    static func download(_ url: String, headers: [String], expecting size: Int64) async throws {
        var arguments = ["-sS", "-k", "--http1.1", "-o", "/dev/null", "-w", "%{http_code} %{size_download}"]
        for header in headers { arguments += ["-H", header] }
        arguments.append(url)
        let (status, output) = try await ChildProcess.run("/usr/bin/curl", arguments)
        guard status == 0, output == "200 \(size)" else { throw BenchError.toolFailed("curl download of \(url)", output) }
    }

    static func documentID(_ reply: String) throws -> String {
        guard let json = reply.split(separator: "\n").first, let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let id = object["id"] as? String
        else { throw BenchError.toolFailed("upload", reply) }
        return id
    }

    /// A UTF-8 text file of `bytes` bytes (lines of words), written a mebibyte at a time.
    static func textFile(at url: URL, bytes: Int) throws -> URL {
        let line = "Field notes from the workshop on victims' support, reintegration and civic space.\n"
        var block = String(repeating: line, count: (1 << 20) / line.utf8.count + 1).utf8.prefix(1 << 20)
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var written = 0
        while written < bytes {
            if bytes - written < block.count { block = block.prefix(bytes - written) }
            try handle.write(contentsOf: Data(block))
            written += block.count
        }
        return url
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.1f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}

/// The peak resident memory of this process while it runs, sampled every 20 ms.
/// With BENCH_MALLOC_STATS set, glibc's per-arena statistics go to standard error the first time
/// the growth passes 32 MiB: whether the memory is in use or only kept by the allocator.
actor MemorySampler {
    func run() async -> Int {
        let start = Self.residentBytes()
        var peak = start
        var reported = ProcessInfo.processInfo.environment["BENCH_MALLOC_STATS"] == nil
        while !Task.isCancelled {
            peak = max(peak, Self.residentBytes())
            if !reported, peak - start > 32 << 20, let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_stats") {
                reported = true
                unsafeBitCast(symbol, to: (@convention(c) () -> Void).self)()
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return max(peak, Self.residentBytes())
    }

    /// VmRSS from /proc/self/status, in bytes.
    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return (Int(line.split(whereSeparator: \.isWhitespace).dropFirst().first ?? "") ?? 0) * 1024
    }
}
