import COpenSSL
import Logging
import NIOCore
import Synchronization

/// A SwiftNIO handler that speaks TLS through OpenSSL: ciphertext on the network side, plaintext
/// towards the handlers after it. Server or client, depending on how it is made.
///
/// Writes made before the handshake completes are held and sent after it. Closing sends a
/// close_notify; a close_notify from the peer is answered and closes the channel; a peer that
/// drops the connection without one is reported as `TLSError.uncleanShutdown`. A handshake that
/// does not complete within the context's timeout is abandoned.
public final class TLSHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private enum State {
        case idle
        case handshaking
        case active
        /// We sent close_notify, or received one.
        case closing
        case closed
    }

    private let tlsContext: TLSContext
    private let serverHostname: String?
    private let logger: Logger
    private var state = State.idle
    private var connection: TLSConnection?
    private var pendingWrites: [(ByteBuffer, EventLoopPromise<Void>?)] = []
    private var flushPending = false
    private var handshakeTimer: Scheduled<Void>?
    private var producedPlaintext = false

    /// - Parameters:
    ///   - context: the certificate and settings
    ///   - serverHostname: for a client, the name to send (SNI) and to verify the server against;
    ///     nil for a server
    public init(context: TLSContext, serverHostname: String? = nil, logger: Logger = Logger(label: "haven.tls")) {
        self.tlsContext = context
        self.serverHostname = serverHostname
        self.logger = logger
    }

    // MARK: Lifecycle

    public func handlerAdded(context: ChannelHandlerContext) {
        self.tlsContext.counters.connections.add(1, ordering: .relaxed)
        if context.channel.isActive { self.begin(context: context) }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        self.tlsContext.counters.connections.subtract(1, ordering: .relaxed)
        self.tearDown(error: ChannelError.ioOnClosedChannel)
    }

    public func channelActive(context: ChannelHandlerContext) {
        self.begin(context: context)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        let wasActive = self.state == .active
        self.state = .closed
        self.tearDown(error: ChannelError.ioOnClosedChannel)
        if wasActive {
            // The peer dropped TCP without close_notify: a truncation attack looks the same.
            context.fireErrorCaught(TLSError.uncleanShutdown)
        }
        context.fireChannelInactive()
    }

    private func begin(context: ChannelHandlerContext) {
        guard case .idle = self.state else { return }
        guard let ssl = self.tlsContext.makeSSL(serverHostname: self.serverHostname),
            let connection = TLSConnection(ssl: ssl, server: self.tlsContext.isServer, counters: self.tlsContext.counters)
        else {
            self.logger.error("cannot create a TLS session", metadata: ["error": "\(OpenSSLErrorQueue.drain())"])
            context.close(promise: nil)
            return
        }
        self.connection = connection
        self.state = .handshaking
        let timeout = self.tlsContext.handshakeTimeout
        self.handshakeTimer = context.eventLoop.assumeIsolated().scheduleTask(
            in: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        ) {
            guard case .handshaking = self.state else { return }
            context.fireErrorCaught(TLSError.handshakeTimeout)
            self.fail(context: context)
        }
        // A client speaks first.
        if !self.tlsContext.isServer { self.advanceHandshake(context: context) }
    }

    // MARK: Inbound

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = self.unwrapInboundIn(data)
        guard let connection = self.connection else { return }
        connection.feed(buffer)
        switch self.state {
        case .handshaking:
            self.advanceHandshake(context: context)
        case .active, .closing:
            self.readPlaintext(context: context)
        case .idle, .closed:
            break
        }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        self.sendOutput(context: context, flush: true)
        if self.producedPlaintext {
            self.producedPlaintext = false
            context.fireChannelReadComplete()
        }
    }

    private func advanceHandshake(context: ChannelHandlerContext) {
        guard let connection = self.connection else { return }
        switch connection.handshake() {
        case .done:
            self.state = .active
            self.tlsContext.counters.handshakes.add(1, ordering: .relaxed)
            self.handshakeTimer?.cancel()
            self.handshakeTimer = nil
            self.sendOutput(context: context, flush: true)
            self.logger.debug(
                "TLS handshake complete",
                metadata: ["version": "\(connection.version)", "cipher": "\(connection.cipher)", "alpn": "\(connection.negotiatedProtocol ?? "-")"]
            )
            context.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: connection.negotiatedProtocol))
            self.writePending(context: context)
            // Application data may have arrived with the handshake's last flight.
            self.readPlaintext(context: context)
        case .wantRead:
            self.sendOutput(context: context, flush: true)
        case .closed:
            self.fail(context: context)
        case .failed(let reason):
            // Send the alert OpenSSL prepared, then give up.
            self.sendOutput(context: context, flush: true)
            self.logger.debug("TLS handshake failed", metadata: ["reason": "\(reason)"])
            self.tlsContext.counters.failedHandshakes.add(1, ordering: .relaxed)
            context.fireErrorCaught(TLSError.handshakeFailed(reason))
            self.fail(context: context)
        }
    }

    private func readPlaintext(context: ChannelHandlerContext) {
        guard let connection = self.connection else { return }
        while true {
            var plaintext = context.channel.allocator.buffer(capacity: 16_384)
            switch connection.read(into: &plaintext, upTo: 16_384) {
            case .done:
                self.producedPlaintext = true
                context.fireChannelRead(self.wrapInboundOut(plaintext))
                // The handler may have closed the channel while handling the data.
                guard self.connection != nil else { return }
            case .wantRead:
                return
            case .closed:
                // The peer's close_notify: answer with ours and close.
                self.state = .closing
                connection.shutdown()
                self.sendOutput(context: context, flush: true)
                context.close(promise: nil)
                return
            case .failed(let reason):
                self.sendOutput(context: context, flush: true)
                context.fireErrorCaught(TLSError.protocolError(reason))
                self.fail(context: context)
                return
            }
        }
    }

    // MARK: Outbound

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let buffer = self.unwrapOutboundIn(data)
        switch self.state {
        case .idle, .handshaking:
            self.pendingWrites.append((buffer, promise))
        case .active:
            self.encrypt(buffer, promise: promise, context: context)
        case .closing, .closed:
            promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    public func flush(context: ChannelHandlerContext) {
        switch self.state {
        case .idle, .handshaking:
            self.flushPending = true
        case .active, .closing, .closed:
            context.flush()
        }
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        switch mode {
        case .input:
            context.close(mode: mode, promise: promise)
        case .output, .all:
            if case .active = self.state, let connection = self.connection {
                self.state = mode == .all ? .closed : .closing
                connection.shutdown()
                self.sendOutput(context: context, flush: true)
            } else if mode == .all {
                self.state = .closed
            }
            context.close(mode: mode, promise: promise)
        }
    }

    /// Encrypts plaintext in slices, writing each slice's records as they are made, so a large
    /// write never sits whole in OpenSSL's buffer as well as ours.
    private func encrypt(_ buffer: ByteBuffer, promise: EventLoopPromise<Void>?, context: ChannelHandlerContext) {
        guard let connection = self.connection else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        // Its records (with their headers and tags) then fit a 256 KiB buffer; 256 KiB of
        // plaintext would need the next power of two, 512 KiB.
        let slice = 256 * 1024 - 512
        var remaining = buffer
        repeat {
            let part = remaining.readSlice(length: min(slice, remaining.readableBytes)) ?? remaining
            if case .failed(let reason) = connection.write(part) {
                promise?.fail(TLSError.protocolError(reason))
                context.fireErrorCaught(TLSError.protocolError(reason))
                self.fail(context: context)
                return
            }
            let isLast = remaining.readableBytes == 0
            if let output = connection.takeOutput(allocator: context.channel.allocator) {
                context.write(self.wrapOutboundOut(output), promise: isLast ? promise : nil)
            } else if isLast {
                promise?.succeed(())
            }
        } while remaining.readableBytes > 0
    }

    private func writePending(context: ChannelHandlerContext) {
        let writes = self.pendingWrites
        self.pendingWrites = []
        for (buffer, promise) in writes { self.encrypt(buffer, promise: promise, context: context) }
        if self.flushPending || !writes.isEmpty {
            self.flushPending = false
            context.flush()
        }
    }

    /// Writes whatever ciphertext OpenSSL produced (handshake messages, alerts, close_notify).
    private func sendOutput(context: ChannelHandlerContext, flush: Bool) {
        guard let output = self.connection?.takeOutput(allocator: context.channel.allocator) else { return }
        context.write(self.wrapOutboundOut(output), promise: nil)
        if flush { context.flush() }
    }

    // MARK: Failure and cleanup

    private func fail(context: ChannelHandlerContext) {
        self.state = .closed
        self.tearDown(error: ChannelError.ioOnClosedChannel)
        context.close(promise: nil)
    }

    /// Frees the session, cancels the timer and fails writes still waiting for the handshake.
    private func tearDown(error: any Error) {
        self.handshakeTimer?.cancel()
        self.handshakeTimer = nil
        self.connection = nil
        let writes = self.pendingWrites
        self.pendingWrites = []
        for (_, promise) in writes { promise?.fail(error) }
    }
}

/// Events the TLS handler sends to the handlers after it.
public enum TLSUserEvent: Sendable, Equatable {
    /// The handshake finished; ALPN chose `negotiatedProtocol` (nil when none was agreed).
    case handshakeCompleted(negotiatedProtocol: String?)
}
