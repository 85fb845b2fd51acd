import Foundation
import OpenSSLTLS
import Testing

/// Misbehaving clients: each connection is torn down and its OpenSSL session freed.
@Suite struct ConnectionCleanupTests {
    func python(_ script: String, _ server: TLSTestServer) async throws -> String {
        let result = try await run("/usr/bin/env", ["python3", "-c", script, String(server.port), server.caFile])
        #expect(result.status == 0, "\(result.output)")
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func garbageInsteadOfClientHelloIsRefusedAndCleanedUp() async throws {
        try await TLSTestServer.with { server throws in
            let output = try await python(
                """
                import socket, sys
                with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10) as s:
                    s.sendall(b"GET / HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n")
                    reply = b""
                    while True:
                        chunk = s.recv(4096)
                        if not chunk:
                            break
                        reply += chunk
                    # Either nothing or a TLS alert record (content type 21), never HTTP.
                    print("closed", len(reply) == 0 or reply[0] == 21)
                """, server)
            #expect(output == "closed True")
            let left = try await server.expectAllConnectionsCleanedUp()
            #expect(left.connections == 0 && left.sessions == 0)
            #expect(server.context.handshakeCounts.failed >= 1)
        }
    }

    @Test func clientThatStopsMidHandshakeIsTimedOut() async throws {
        let files = try TLSTestServer.makeCertificate()
        let configuration = TLSConfiguration(
            certificateChainPath: files.certificate, privateKeyPath: files.key, handshakeTimeout: .seconds(1)
        )
        try await TLSTestServer.with(configuration: configuration) { server throws in
            let output = try await python(
                """
                import socket, sys, time
                with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20) as s:
                    # A record header announcing a ClientHello, then silence.
                    s.sendall(b"\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xfc\\x03\\x03")
                    start = time.monotonic()
                    while s.recv(4096):
                        pass
                    waited = time.monotonic() - start
                    print("closed after", "1-10s" if 0.5 < waited < 10 else waited)
                """, server)
            #expect(output == "closed after 1-10s")
            let left = try await server.expectAllConnectionsCleanedUp()
            #expect(left.connections == 0 && left.sessions == 0)
        }
    }

    @Test func clientThatClosesWithoutCloseNotifyIsCleanedUp() async throws {
        try await TLSTestServer.with { server throws in
            let output = try await python(
                """
                import socket, ssl, sys
                context = ssl.create_default_context(cafile=sys.argv[2])
                for _ in range(20):
                    raw = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
                    tls = context.wrap_socket(raw, server_hostname="localhost")
                    tls.sendall(b"GET /bytes/10000000 HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n")
                    tls.recv(1000)
                    # Drop TCP mid-response, no close_notify (Python sends none without unwrap()).
                    raw.close()
                print("done")
                """, server)
            #expect(output == "done")
            let left = try await server.expectAllConnectionsCleanedUp()
            #expect(left.connections == 0 && left.sessions == 0)
        }
    }

    @Test func closeNotifyFromTheClientIsAnsweredAndTheConnectionClosed() async throws {
        try await TLSTestServer.with { server throws in
            let output = try await python(
                """
                import socket, ssl, sys
                context = ssl.create_default_context(cafile=sys.argv[2])
                raw = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
                tls = context.wrap_socket(raw, server_hostname="localhost")
                tls.sendall(b"GET /hello HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n")
                reply = b""
                while not reply.endswith(b"hello"):
                    reply += tls.recv(4096)
                # unwrap() sends close_notify and waits for the server's.
                plain = tls.unwrap()
                print("unwrapped", plain.recv(10) == b"")
                plain.close()
                """, server)
            #expect(output == "unwrapped True")
            let left = try await server.expectAllConnectionsCleanedUp()
            #expect(left.connections == 0 && left.sessions == 0)
        }
    }
}
