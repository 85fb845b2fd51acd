import Foundation
import OpenSSLTLS
import Testing

/// What the default (Mozilla intermediate) profile refuses, checked with hand-made ClientHellos
/// so that the client's own library cannot be what refuses.
@Suite struct ProtocolPolicyTests {
    /// Sends a ClientHello of `version` offering `suites`; prints "accepted" on a ServerHello.
    static let helloScript = """
        import os, socket, struct, sys
        port, version, suites = int(sys.argv[1]), int(sys.argv[2], 16), [int(s, 16) for s in sys.argv[3].split(",")]
        def ext(kind, data):
            return struct.pack(">HH", kind, len(data)) + data
        name = b"localhost"
        extensions = (
            ext(0x0000, struct.pack(">HBH", len(name) + 3, 0, len(name)) + name)   # server_name
            + ext(0x000a, struct.pack(">H", 4) + struct.pack(">HH", 0x001d, 0x0017))  # groups
            + ext(0x000b, b"\\x01\\x00")                                          # point formats
            + ext(0x000d, struct.pack(">H", 6) + struct.pack(">HHH", 0x0403, 0x0804, 0x0401))  # signatures
            + ext(0xff01, b"\\x00")                                               # renegotiation_info
        )
        body = struct.pack(">H", version) + os.urandom(32) + b"\\x00"
        body += struct.pack(">H", 2 * len(suites)) + b"".join(struct.pack(">H", s) for s in suites)
        body += b"\\x01\\x00" + struct.pack(">H", len(extensions)) + extensions
        handshake = b"\\x01" + struct.pack(">I", len(body))[1:] + body
        record = b"\\x16" + struct.pack(">HH", min(version, 0x0301), len(handshake)) + handshake
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(record)
            reply = b""
            while len(reply) < 6:
                chunk = s.recv(4096)
                if not chunk:
                    break
                reply += chunk
        if len(reply) >= 6 and reply[0] == 0x16 and reply[5] == 0x02:
            print("accepted")
        elif reply[:1] == b"\\x15":
            print("alert")
        else:
            print("closed")
        """

    func hello(_ server: TLSTestServer, version: String, suites: [String]) async throws -> String {
        let result = try await run("/usr/bin/env", ["python3", "-c", Self.helloScript, String(server.port), version, suites.joined(separator: ",")])
        #expect(result.status == 0, "\(result.output)")
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aGoodTLS12HelloIsAcceptedSoTheProbeItselfWorks() async throws {
        try await TLSTestServer.with { server throws in
            // ECDHE-ECDSA-AES128-GCM-SHA256
            #expect(try await hello(server, version: "0303", suites: ["c02b"]) == "accepted")
        }
    }

    @Test(arguments: [("0300", "SSLv3"), ("0301", "TLS 1.0"), ("0302", "TLS 1.1")])
    func oldProtocolVersionsAreRefused(version: String, name: String) async throws {
        try await TLSTestServer.with { server throws in
            let outcome = try await hello(server, version: version, suites: ["c02b", "c009", "c013", "002f", "000a"])
            #expect(outcome != "accepted", "\(name) was accepted")
        }
    }

    @Test(arguments: [
        ("RC4", ["0005", "0004", "c007", "c011"]),
        ("3DES", ["000a", "c008", "c012", "0016"]),
        ("CBC with SHA-1", ["c009", "c00a", "c013", "c014", "002f", "0035", "0033", "0039"]),
        ("CBC with SHA-256/384", ["c023", "c024", "c027", "c028", "003c", "003d"]),
        ("NULL and export", ["0000", "0001", "0002", "0003", "0006"]),
    ])
    func weakSuitesAreNotOffered(family: String, suites: [String]) async throws {
        try await TLSTestServer.with { server throws in
            #expect(try await hello(server, version: "0303", suites: suites) != "accepted", "\(family) suites were accepted")
        }
    }

    @Test func renegotiationIsRefused() async throws {
        try await TLSTestServer.with { server throws in
            let command = """
                (printf 'R\\n'; sleep 2; printf 'GET /hello HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n'; sleep 1) \
                | timeout 10 openssl s_client -connect 127.0.0.1:\(server.port) -tls1_2 -CAfile '\(server.caFile)' 2>&1
                """
            let result = try await run("/bin/sh", ["-c", command])
            #expect(result.output.contains("RENEGOTIATING"))
            #expect(result.output.contains("no renegotiation"))
            #expect(!result.output.contains("hello"))
        }
    }

    @Test func modernProfileRefusesTLS12() async throws {
        let files = try TLSTestServer.makeCertificate()
        let configuration = TLSConfiguration(certificateChainPath: files.certificate, privateKeyPath: files.key, profile: .modern)
        try await TLSTestServer.with(configuration: configuration) { server throws in
            #expect(try await hello(server, version: "0303", suites: ["c02b"]) != "accepted")
            let tls13 = try await run("/usr/bin/curl", ["-sS", "--cacert", server.caFile, "--tlsv1.3", "\(server.url)/hello"])
            #expect(tls13.output == "hello")
        }
    }
}
