import HummingbirdCore
import Logging
import NIOCore
import OpenSSLTLS

/// A Hummingbird child channel that reads the PROXY header before handing the connection to
/// another child channel (TLS, then HTTP/1.1).
struct ProxyProtocolChannel<BaseChannel: ServerChildChannel>: ServerChildChannel {
    typealias Value = BaseChannel.Value

    let baseChannel: BaseChannel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ProxyProtocolHandler(logger: logger), position: .first)
        }.flatMap {
            self.baseChannel.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await self.baseChannel.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 for Haven: over TLS through the system OpenSSL unless `tls` is nil (behind a
    /// trusted terminator), and after a PROXY header when a TCP balancer sends one.
    public static func haven(tls: TLSContext?, proxyProtocol: Bool) -> HTTPServerBuilder {
        .init { responder in
            let http = HTTP1Channel(responder: responder)
            switch (tls, proxyProtocol) {
            case (let context?, true): return ProxyProtocolChannel(baseChannel: OpenSSLTLSChannel(http, context: context))
            case (let context?, false): return OpenSSLTLSChannel(http, context: context)
            case (nil, true): return ProxyProtocolChannel(baseChannel: http)
            case (nil, false): return http
            }
        }
    }
}
