import Foundation
import NIOCore
import NIOPosix
import OpenSSLTLS
import Testing

/// The handler as a client (as Haven will use it for SMTP STARTTLS): against the test server.
@Suite struct ClientModeTests {
    /// Collects everything the server sends until it closes.
    final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        var received = ByteBuffer()
        var events: [TLSUserEvent] = []
        var errors: [any Error] = []
        let done: EventLoopPromise<Void>

        init(done: EventLoopPromise<Void>) { self.done = done }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = self.unwrapInboundIn(data)
            self.received.writeBuffer(&buffer)
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let event = event as? TLSUserEvent { self.events.append(event) }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            self.errors.append(error)
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.done.succeed(())
        }
    }

    func exchange(port: Int, hostname: String, trusting caFile: String) async throws -> Collector {
        let context = try TLSContext(clientTrusting: caFile)
        let group = MultiThreadedEventLoopGroup.singleton
        let done = group.any().makePromise(of: Void.self)
        let collector = Collector(done: done)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TLSHandler(context: context, serverHostname: hostname))
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        // Written before the handshake finishes: held and sent after it.
        let request = "GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        try? await channel.writeAndFlush(ByteBuffer(string: request)).get()
        try await done.futureResult.get()
        return collector
    }

    @Test func clientModeTalksToTheServer() async throws {
        try await TLSTestServer.with { server throws in
            let collector = try await exchange(port: server.port, hostname: "localhost", trusting: server.caFile)
            let text = String(buffer: collector.received)
            #expect(text.hasPrefix("HTTP/1.1 200 OK"))
            #expect(text.hasSuffix("hello"))
            #expect(collector.events == [.handshakeCompleted(negotiatedProtocol: nil)])
            #expect(collector.errors.isEmpty, "\(collector.errors)")
        }
    }

    @Test func clientRefusesAServerWhoseNameDoesNotMatch() async throws {
        try await TLSTestServer.with { server throws in
            let collector = try await exchange(port: server.port, hostname: "bank.example", trusting: server.caFile)
            #expect(collector.received.readableBytes == 0)
            #expect(collector.errors.contains { "\($0)".contains("certificate verify failed") }, "\(collector.errors)")
        }
    }

    @Test func clientRefusesAnUntrustedServer() async throws {
        let stranger = try TLSTestServer.makeCertificate(name: "stranger")
        try await TLSTestServer.with { server throws in
            let collector = try await exchange(port: server.port, hostname: "localhost", trusting: stranger.certificate)
            #expect(collector.received.readableBytes == 0)
            #expect(collector.errors.contains { "\($0)".contains("certificate verify failed") }, "\(collector.errors)")
        }
    }
}
