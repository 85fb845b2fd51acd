import Foundation
import OpenSSLTLS
import PostgresClient
import Testing

/// Real TLS clients against Haven's OpenSSL handler under Hummingbird, over loopback.
@Suite struct InteropTests {
    func curl(_ server: TLSTestServer, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await run("/usr/bin/curl", ["-sS", "--http1.1", "--cacert", server.caFile] + arguments)
    }

    @Test(arguments: ["1.2", "1.3"])
    func curlSpeaksEachVersion(version: String) async throws {
        try await TLSTestServer.with { server throws in
            let result = try await curl(server, ["-v", "--tlsv\(version)", "--tls-max", version, "\(server.url)/hello"])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("hello"))
            #expect(result.output.contains("SSL connection using TLSv\(version)"))
            #expect(result.output.contains("ALPN: server accepted http/1.1") || result.output.contains("ALPN, server accepted to use http/1.1"))
        }
    }

    @Test func opensslClientSeesTheChainVersionAndALPN() async throws {
        try await TLSTestServer.with { server throws in
            let result = try await run(
                "/usr/bin/openssl",
                ["s_client", "-connect", "127.0.0.1:\(server.port)", "-servername", "localhost", "-alpn", "http/1.1",
                 "-CAfile", server.caFile, "-showcerts", "-verify_return_error", "-ign_eof"],
                input: "GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            )
            #expect(result.output.contains("CN = localhost"))
            #expect(result.output.contains("-----BEGIN CERTIFICATE-----"))
            #expect(result.output.contains("Protocol  : TLSv1.3") || result.output.contains("New, TLSv1.3"))
            #expect(result.output.contains("ALPN protocol: http/1.1"))
            #expect(result.output.contains("Verify return code: 0 (ok)"))
            #expect(result.output.contains("hello"))
        }
    }

    @Test func pythonSSLModuleInteroperates() async throws {
        try await TLSTestServer.with { server throws in
            let script = """
                import socket, ssl, sys
                context = ssl.create_default_context(cafile=sys.argv[2])
                context.set_alpn_protocols(["http/1.1"])
                for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
                    context.minimum_version = context.maximum_version = version
                    with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as raw:
                        with context.wrap_socket(raw, server_hostname="localhost") as tls:
                            tls.sendall(b"GET /hello HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n")
                            data = b""
                            while True:
                                chunk = tls.recv(65536)
                                if not chunk:
                                    break
                                data += chunk
                            print(tls.version(), tls.selected_alpn_protocol(), data.split(b"\\r\\n")[0].decode(), data.endswith(b"hello"))
                """
            let result = try await run("/usr/bin/env", ["python3", "-c", script, String(server.port), server.caFile])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("TLSv1.2 http/1.1 HTTP/1.1 200 OK True"))
            #expect(result.output.contains("TLSv1.3 http/1.1 HTTP/1.1 200 OK True"))
        }
    }

    @Test func sixtyFourMebibyteBodiesArriveIntact() async throws {
        try await TLSTestServer.with { server throws in
            let size = 64 << 20
            let folder = FileManager.default.temporaryDirectory.appending(path: "big-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            // Upload: random bytes; the server streams them through SHA-256.
            let upload = folder.appending(path: "upload").path
            let random = try await run("/bin/sh", ["-c", "head -c \(size) /dev/urandom > '\(upload)' && sha256sum '\(upload)'"])
            let expected = String(random.output.prefix(64))
            let posted = try await curl(server, ["-X", "POST", "--data-binary", "@\(upload)", "-H", "Content-Type: application/octet-stream", "\(server.url)/sha256"])
            #expect(posted.status == 0, "\(posted.output)")
            #expect(posted.output == "\(expected) \(size)")
            // Download: the pattern, compared with the same pattern made here.
            let download = folder.appending(path: "download").path
            let fetched = try await curl(server, ["-o", download, "\(server.url)/bytes/\(size)"])
            #expect(fetched.status == 0, "\(fetched.output)")
            let data = try #require(FileManager.default.contents(atPath: download))
            #expect(data.count == size)
            let reference = SHA256()
            var pattern = [UInt8](repeating: 0, count: 251 * 261)
            for index in pattern.indices { pattern[index] = UInt8(index % 251) }
            var offset = 0
            while offset < size {
                let length = min(pattern.count, size - offset)
                reference.update(pattern[0..<length])
                offset += length
            }
            let expectedDigest = reference.finalize()
            #expect(SHA256.hash(data) == expectedDigest)
        }
    }

    @Test func manySequentialAndConcurrentShortConnections() async throws {
        try await TLSTestServer.with { server throws in
            let script = """
                import socket, ssl, sys, concurrent.futures
                context = ssl.create_default_context(cafile=sys.argv[2])
                def once(_):
                    with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30) as raw:
                        with context.wrap_socket(raw, server_hostname="localhost") as tls:
                            tls.sendall(b"GET /hello HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n")
                            data = b""
                            while True:
                                chunk = tls.recv(65536)
                                if not chunk:
                                    break
                                data += chunk
                            return data.endswith(b"hello")
                sequential = sum(once(i) for i in range(500))
                with concurrent.futures.ThreadPoolExecutor(max_workers=200) as pool:
                    concurrent_ok = sum(pool.map(once, range(200)))
                print(sequential, concurrent_ok)
                """
            let result = try await run("/usr/bin/env", ["python3", "-c", script, String(server.port), server.caFile])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "500 200")
            let left = try await server.expectAllConnectionsCleanedUp()
            #expect(left.connections == 0 && left.sessions == 0)
            #expect(server.context.handshakeCounts.completed >= 700)
        }
    }
}

extension TLSTestServer {
    /// The certificate clients trust (the server's own, self-signed).
    var caFile: String { self.context.configuration?.certificateChainPath ?? "" }
}
