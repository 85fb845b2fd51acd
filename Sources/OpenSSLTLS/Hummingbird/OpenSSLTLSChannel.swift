import HummingbirdCore
import Logging
import NIOCore

/// A Hummingbird child channel that puts Haven's OpenSSL TLS handler in front of another child
/// channel (HTTP/1.1): the same shape as HummingbirdTLS's `TLSChannel`, without BoringSSL.
public struct OpenSSLTLSChannel<BaseChannel: ServerChildChannel>: ServerChildChannel {
    public typealias Value = BaseChannel.Value

    let baseChannel: BaseChannel
    let context: TLSContext

    public init(_ baseChannel: BaseChannel, context: TLSContext) {
        self.baseChannel = baseChannel
        self.context = context
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(TLSHandler(context: self.context, logger: logger))
        }.flatMap {
            self.baseChannel.setup(channel: channel, logger: logger)
        }
    }

    public func handle(value: BaseChannel.Value, logger: Logger) async {
        await self.baseChannel.handle(value: value, logger: logger)
    }
}

extension OpenSSLTLSChannel: HTTPChannelHandler where BaseChannel: HTTPChannelHandler {
    public var responder: HTTPChannelHandler.Responder { self.baseChannel.responder }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 over TLS through the system OpenSSL:
    /// `Application(router: router, server: .http1OpenSSL(context: tlsContext))`.
    public static func http1OpenSSL(
        configuration: HTTP1Channel.Configuration = .init(), context: TLSContext
    ) -> HTTPServerBuilder {
        .init { responder in
            OpenSSLTLSChannel(HTTP1Channel(responder: responder, configuration: configuration), context: context)
        }
    }
}
