import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import OpenSSLTLS
import PostgresClient
import HavenTesting

/// A Hummingbird server over Haven's OpenSSL TLS on a free port, with routes for moving large
/// bodies: the thing the interop tests talk to.
struct TLSTestServer: Sendable {
    let port: Int
    let context: TLSContext

    var url: String { "https://localhost:\(self.port)" }

    /// A fresh certificate in a folder of the test's own.
    static func makeCertificate(name: String = "cert") throws -> (certificate: String, key: String) {
        let folder = URL(filePath: NSTemporaryDirectory()).appending(path: "haven-tls-test-\(UUID().uuidString.prefix(8))")
        let certificate = folder.appending(path: "\(name).pem").path
        let key = folder.appending(path: "\(name)-key.pem").path
        try DevelopmentCertificate.create(certificatePath: certificate, keyPath: key)
        return (certificate, key)
    }

    static func with<Result: Sendable>(
        configuration: TLSConfiguration? = nil,
        _ body: @Sendable (TLSTestServer) async throws -> Result
    ) async throws -> Result {
        let files = try Self.makeCertificate()
        let context = try TLSContext(
            configuration: configuration ?? TLSConfiguration(certificateChainPath: files.certificate, privateKeyPath: files.key)
        )
        var logger = Logger(label: "tls.test")
        logger.logLevel = .critical
        let router = Router()
        router.get("/hello") { _, _ in "hello" }
        // Streams the request body through SHA-256; answers "<hex> <byte count>".
        router.post("/sha256") { request, _ -> String in
            let hasher = SHA256()
            var count = 0
            for try await chunk in request.body {
                chunk.withUnsafeReadableBytes { hasher.update($0) }
                count += chunk.readableBytes
            }
            return "\(hasher.finalize().map { String(format: "%02x", $0) }.joined()) \(count)"
        }
        // Streams `count` bytes of a fixed pattern (byte i is i % 251), 64 KiB at a time.
        router.get("/bytes/:count") { _, context -> Response in
            let count = try context.parameters.require("count", as: Int.self)
            return Response(status: .ok, body: ResponseBody(contentLength: count) { writer in
                var sent = 0
                while sent < count {
                    let size = min(65_536, count - sent)
                    var buffer = ByteBuffer()
                    buffer.writeBytes((sent..<sent + size).lazy.map { UInt8($0 % 251) })
                    try await writer.write(buffer)
                    sent += size
                }
                try await writer.finish(nil)
            })
        }
        return try await LiveServer.serving(router: router, tls: context, logger: logger) { port in
            try await body(TLSTestServer(port: port, context: context))
        }
    }

    /// Waits until every connection is gone, then checks no OpenSSL session was left behind.
    func expectAllConnectionsCleanedUp(within seconds: Int = 15) async throws -> (connections: Int, sessions: Int) {
        for _ in 0..<(seconds * 20) {
            if self.context.openConnections == 0 && self.context.liveSessions == 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return (self.context.openConnections, self.context.liveSessions)
    }
}

/// Runs a tool to completion with its output captured.
func run(_ executable: String, _ arguments: [String], input: String? = nil) async throws -> (status: Int32, output: String) {
    if let input {
        let file = FileManager.default.temporaryDirectory.appending(path: "stdin-\(UUID().uuidString)").path
        try input.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let command = ([executable] + arguments).map { "'" + $0.replacing("'", with: "'\\''") + "'" }.joined(separator: " ")
        return try await ChildProcess.run("/bin/sh", ["-c", "\(command) < '\(file)'"])
    }
    return try await ChildProcess.run(executable, arguments)
}
