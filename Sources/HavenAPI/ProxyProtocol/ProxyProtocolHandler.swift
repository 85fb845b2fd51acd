import Logging
import NIOCore

/// The first handler of a connection from a trusted TCP balancer: reads the PROXY header, records
/// the client's address for the connection, passes on whatever followed it and steps aside. A
/// connection that does not start with a valid header within the timeout is closed.
final class ProxyProtocolHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private var received: ByteBuffer?
    private var timeout: Scheduled<Void>?
    private let timeoutDuration: TimeAmount
    private let logger: Logger

    init(timeout: TimeAmount = .seconds(10), logger: Logger) {
        self.timeoutDuration = timeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        self.timeout = context.eventLoop.scheduleTask(in: self.timeoutDuration) {
            channel.close(promise: nil)
        }
        channel.closeFuture.whenComplete { _ in ProxiedAddresses.shared.forget(channel) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.timeout?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = self.unwrapInboundIn(data)
        if var received = self.received {
            received.writeBuffer(&bytes)
            bytes = received
        }
        switch ProxyHeader.parse(bytes) {
        case .incomplete:
            self.received = bytes
        case .invalid(let reason):
            self.logger.debug("connection closed: bad PROXY header", metadata: ["reason": "\(reason)"])
            self.received = nil
            context.close(promise: nil)
        case .complete(let length, let source):
            self.received = nil
            if let source { ProxiedAddresses.shared.record(source, for: context.channel) }
            bytes.moveReaderIndex(forwardBy: length)
            // What followed the header (the TLS ClientHello, often) goes on before this handler
            // leaves the pipeline: its context forwards nothing once removed.
            if bytes.readableBytes > 0 { context.fireChannelRead(self.wrapInboundOut(bytes)) }
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}
