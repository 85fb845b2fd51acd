import Foundation
import OpenSSLTLS
import Testing

@Suite struct ReloadTests {
    /// The SHA-256 fingerprint a new connection sees, as lower-case hex.
    func servedFingerprint(_ server: TLSTestServer) async throws -> String {
        let command = "openssl s_client -connect 127.0.0.1:\(server.port) -servername localhost </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256"
        let output = try await run("/bin/sh", ["-c", command]).output
        return String(output.split(separator: "=").last ?? "").replacing(":", with: "").lowercased()
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func reloadServesTheNewCertificateWithoutDroppingOpenConnections() async throws {
        let first = try TLSTestServer.makeCertificate(name: "first")
        let second = try TLSTestServer.makeCertificate(name: "second")
        // The server reads its files from one place; the test replaces what is there.
        let live = URL(filePath: first.certificate).deletingLastPathComponent()
        let certificatePath = live.appending(path: "live-cert.pem").path
        let keyPath = live.appending(path: "live-key.pem").path
        try FileManager.default.copyItem(atPath: first.certificate, toPath: certificatePath)
        try FileManager.default.copyItem(atPath: first.key, toPath: keyPath)
        let trusted = live.appending(path: "both.pem").path
        let both = try String(contentsOfFile: first.certificate, encoding: .utf8) + String(contentsOfFile: second.certificate, encoding: .utf8)
        try both.write(toFile: trusted, atomically: true, encoding: .utf8)
        let flag = live.appending(path: "go").path

        try await TLSTestServer.with(configuration: TLSConfiguration(certificateChainPath: certificatePath, privateKeyPath: keyPath)) { server throws in
            let before = try await servedFingerprint(server)
            #expect(before == server.context.certificateFingerprint)

            // A client holds one keep-alive connection across the reload.
            let script = """
                import os, socket, ssl, sys, time
                context = ssl.create_default_context(cafile=sys.argv[2])
                tls = context.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20), server_hostname="localhost")
                def get():
                    tls.sendall(b"GET /hello HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n")
                    reply = b""
                    while not reply.endswith(b"hello"):
                        chunk = tls.recv(4096)
                        if not chunk:
                            return "closed"
                        reply += chunk
                    return reply.split(b"\\r\\n")[0].decode()
                print("first", get(), flush=True)
                while not os.path.exists(sys.argv[3]):
                    time.sleep(0.05)
                print("second", get(), flush=True)
                """
            async let client = run("/usr/bin/env", ["python3", "-c", script, String(server.port), trusted, flag])
            try await Task.sleep(for: .milliseconds(500))

            try FileManager.default.removeItem(atPath: certificatePath)
            try FileManager.default.removeItem(atPath: keyPath)
            try FileManager.default.copyItem(atPath: second.certificate, toPath: certificatePath)
            try FileManager.default.copyItem(atPath: second.key, toPath: keyPath)
            try server.context.reload()
            _ = FileManager.default.createFile(atPath: flag, contents: nil)

            let output = try await client.output
            #expect(output.contains("first HTTP/1.1 200 OK"))
            #expect(output.contains("second HTTP/1.1 200 OK"), "the open connection must survive the reload: \(output)")
            let after = try await servedFingerprint(server)
            #expect(after != before)
            #expect(after == server.context.certificateFingerprint)
        }
    }

    @Test func badNewPairIsRefusedAndTheOldOneStays() async throws {
        let files = try TLSTestServer.makeCertificate()
        let other = try TLSTestServer.makeCertificate(name: "other")
        try await TLSTestServer.with(configuration: TLSConfiguration(certificateChainPath: files.certificate, privateKeyPath: files.key)) { server throws in
            let before = server.context.certificateFingerprint
            // Replace the key with one that does not match the certificate.
            try FileManager.default.removeItem(atPath: files.key)
            try FileManager.default.copyItem(atPath: other.key, toPath: files.key)
            #expect(throws: TLSError.self) { try server.context.reload() }
            #expect(server.context.certificateFingerprint == before)
            let result = try await run("/usr/bin/curl", ["-sS", "--cacert", files.certificate, "\(server.url)/hello"])
            #expect(result.output == "hello")
        }
    }
}
