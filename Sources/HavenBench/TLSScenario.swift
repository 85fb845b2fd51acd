import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import OpenSSLTLS
import PostgresClient
import HavenTesting

/// Haven's HTTPS (its OpenSSL handler under Hummingbird) against nginx with the same certificate,
/// the same OpenSSL and the same suites, one after the other on 127.0.0.1: full handshakes per
/// second (`Connection: close`, so every request is a new TLS session) and the throughput of a
/// 100 MiB response. wrk is the client for both.
struct TLSScenario {
    let seconds: Int
    let rounds: Int
    let work: URL

    static let bigSize = 100 << 20

    func run(into report: inout BenchReport) async throws {
        try FileManager.default.createDirectory(at: self.work, withIntermediateDirectories: true)
        let certificate = self.work.appending(path: "cert.pem").path
        let key = self.work.appending(path: "key.pem").path
        try DevelopmentCertificate.create(certificatePath: certificate, keyPath: key)
        let big = self.work.appending(path: "big")
        try Data(Self.pattern(Self.bigSize)).write(to: big)

        let nginxPort = try Self.freePort()
        let nginx = try await self.startNginx(port: nginxPort, certificate: certificate, key: key)
        defer { nginx.signal(SIGQUIT) }

        var handshakes: (haven: [Double], nginx: [Double]) = ([], [])
        var throughput: (haven: [Double], nginx: [Double]) = ([], [])
        try await Self.withHavenServer(certificate: certificate, key: key) { havenPort in
            for _ in 0..<self.rounds {
                handshakes.nginx.append(try await self.wrk(port: nginxPort, path: "/hello", connections: 32, close: true).requests)
                handshakes.haven.append(try await self.wrk(port: havenPort, path: "/hello", connections: 32, close: true).requests)
                throughput.nginx.append(try await self.wrk(port: nginxPort, path: "/big", connections: 1, close: false).bytes)
                throughput.haven.append(try await self.wrk(port: havenPort, path: "/big", connections: 1, close: false).bytes)
            }
        }
        report.rows.append(.init(
            scenario: "TLS full handshakes/s (Connection: close)",
            haven: PoolScenario.median(handshakes.haven), reference: PoolScenario.median(handshakes.nginx),
            referenceName: "nginx", unit: "req/s", target: 0.80
        ))
        report.rows.append(.init(
            scenario: "TLS throughput, 100 MiB response",
            haven: PoolScenario.median(throughput.haven) / 1_048_576, reference: PoolScenario.median(throughput.nginx) / 1_048_576,
            referenceName: "nginx", unit: "MiB/s", target: 0.80
        ))
    }

    /// Byte i is i % 251, as the tests use.
    static func pattern(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8($0 % 251) }
    }

    // MARK: The two servers

    static func withHavenServer(certificate: String, key: String, _ body: (Int) async throws -> Void) async throws {
        let context = try TLSContext(configuration: TLSConfiguration(certificateChainPath: certificate, privateKeyPath: key))
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        var big = ByteBuffer()
        big.writeBytes(Self.pattern(Self.bigSize))
        let body100 = big
        let router = Router()
        router.get("/hello") { _, _ in "hello" }
        router.get("/big") { _, _ in
            Response(status: .ok, body: ResponseBody(contentLength: Self.bigSize) { writer in
                var offset = 0
                while offset < Self.bigSize {
                    let size = min(1 << 20, Self.bigSize - offset)
                    try await writer.write(body100.getSlice(at: offset, length: size) ?? ByteBuffer())
                    offset += size
                }
                try await writer.finish(nil)
            })
        }
        try await LiveServer.serving(router: router, tls: context, logger: logger, body)
    }

    func startNginx(port: Int, certificate: String, key: String) async throws -> ChildProcess {
        let configuration = """
            worker_processes \(ProcessInfo.processInfo.activeProcessorCount);
            daemon off;
            pid \(self.work.path)/nginx.pid;
            error_log \(self.work.path)/nginx-error.log warn;
            user root;
            events { worker_connections 4096; }
            http {
                access_log off;
                keepalive_requests 100000;
                client_max_body_size 0;
                client_body_temp_path \(self.work.path);
                proxy_temp_path \(self.work.path);
                fastcgi_temp_path \(self.work.path);
                uwsgi_temp_path \(self.work.path);
                scgi_temp_path \(self.work.path);
                server {
                    listen 127.0.0.1:\(port) ssl;
                    ssl_certificate \(certificate);
                    ssl_certificate_key \(key);
                    ssl_protocols TLSv1.2 TLSv1.3;
                    ssl_ciphers \(TLSConfiguration.intermediateCipherList);
                    ssl_session_cache off;
                    ssl_session_tickets off;
                    location = /hello { default_type text/plain; return 200 "hello"; }
                    location = /big { root \(self.work.path); default_type application/octet-stream; }
                    location = /upload { return 204; }
                }
            }
            """
        let file = self.work.appending(path: "nginx.conf").path
        try configuration.write(toFile: file, atomically: true, encoding: .utf8)
        let nginx = try ChildProcess("/usr/sbin/nginx", ["-c", file], output: self.work.appending(path: "nginx.out").path)
        for _ in 0..<100 {
            let probe = try await ChildProcess.run("/usr/bin/curl", ["-sk", "https://127.0.0.1:\(port)/hello"])
            if probe.output == "hello" { return nginx }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchError.toolFailed("nginx", (try? String(contentsOfFile: self.work.appending(path: "nginx-error.log").path, encoding: .utf8)) ?? "")
    }

    // MARK: Load

    /// What wrk measured: requests/s, bytes/s and the 99th-percentile latency in milliseconds.
    struct Load {
        var requests: Double
        var bytes: Double
        var p99: Double
    }

    /// Runs wrk against `path` over HTTPS.
    func wrk(
        port: Int, path: String, connections: Int, close: Bool, script: String? = nil, headers: [String] = [], seconds: Int? = nil
    ) async throws -> Load {
        var arguments = ["-t", connections > 1 ? "2" : "1", "-c", String(connections), "-d", "\(seconds ?? self.seconds)s", "--latency"]
        if close { arguments += ["-H", "Connection: close"] }
        for header in headers { arguments += ["-H", header] }
        if let script { arguments += ["-s", script] }
        arguments.append("https://127.0.0.1:\(port)\(path)")
        let (status, output) = try await ChildProcess.run("/usr/bin/wrk", arguments)
        guard status == 0 else { throw BenchError.toolFailed("wrk \(arguments.joined(separator: " "))", output) }
        func line(_ label: String) -> String? {
            output.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }
                .map { $0.trimmingCharacters(in: .whitespaces).dropFirst(label.count).trimmingCharacters(in: .whitespaces) }
        }
        func scaled(_ text: String?, _ units: [(String, Double)]) -> Double? {
            guard let text else { return nil }
            for (suffix, factor) in units where text.hasSuffix(suffix) {
                return Double(text.dropLast(suffix.count)).map { $0 * factor }
            }
            return Double(text)
        }
        let sizes: [(String, Double)] = [("GB", 1_073_741_824), ("MB", 1_048_576), ("KB", 1024), ("B", 1)]
        let times: [(String, Double)] = [("us", 0.001), ("ms", 1), ("s", 1000), ("m", 60_000)]
        guard let requests = scaled(line("Requests/sec:"), []), let bytes = scaled(line("Transfer/sec:"), sizes),
            let p99 = scaled(line("99%"), times)
        else { throw BenchError.toolFailed("wrk output", output) }
        if output.contains("Non-2xx") {
            throw BenchError.toolFailed("wrk saw error responses", output)
        }
        return Load(requests: requests, bytes: bytes, p99: p99)
    }

    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
