import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import OpenSSLTLS
import Testing

/// AsyncHTTPClient (SwiftNIO with BoringSSL) against Haven's OpenSSL handler.
@Suite struct AsyncHTTPClientInteropTests {
    func client(trusting caFile: String, version: TLSVersion) throws -> HTTPClient {
        var tls = NIOSSL.TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(caFile)
        tls.minimumTLSVersion = version
        tls.maximumTLSVersion = version
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.httpVersion = .http1Only
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    @Test(arguments: [TLSVersion.tlsv12, .tlsv13])
    func asyncHTTPClientInteroperates(version: TLSVersion) async throws {
        try await TLSTestServer.with { server throws in
            let client = try client(trusting: server.caFile, version: version)
            do {
                let response = try await client.execute(HTTPClientRequest(url: "\(server.url)/hello"), timeout: .seconds(30))
                #expect(response.status == .ok)
                let body = try await response.body.collect(upTo: 1024)
                #expect(String(buffer: body) == "hello")
                // A 4 MiB body both ways over the same client.
                var request = HTTPClientRequest(url: "\(server.url)/sha256")
                request.method = .POST
                let upload = ByteBuffer(repeating: 0x61, count: 4 << 20)
                request.body = .bytes(upload)
                let hashed = try await client.execute(request, timeout: .seconds(60))
                let text = String(buffer: try await hashed.body.collect(upTo: 1024))
                let expected = SHA256.hash(upload.readableBytesView).map { String(format: "%02x", $0) }.joined()
                #expect(text == "\(expected) \(4 << 20)")
            } catch {
                let _: Void = try await client.shutdown()
                throw error
            }
            let _: Void = try await client.shutdown()
        }
    }
}
