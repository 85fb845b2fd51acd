import Foundation
import NIOCore
import NIOPosix

/// A clamd daemon that scans uploads as they stream in (its INSTREAM command), so that a file
/// is judged before anyone can approve it. Without one configured, uploads are not scanned.
public struct VirusScanner: Sendable {
    /// Where clamd listens.
    public enum Address: Sendable, Equatable {
        case unixSocket(String)
        case tcp(host: String, port: Int)

        /// `unix:/run/clamav/clamd.ctl` or `tcp:127.0.0.1:3310`; nil for anything else.
        public init?(_ text: String) {
            if text.hasPrefix("unix:"), text.count > 5 {
                self = .unixSocket(String(text.dropFirst(5)))
            } else if text.hasPrefix("tcp:"), let colon = text.lastIndex(of: ":"), colon > text.index(text.startIndex, offsetBy: 3),
                let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port)
            {
                self = .tcp(host: String(text[text.index(text.startIndex, offsetBy: 4)..<colon]), port: port)
            } else {
                return nil
            }
        }
    }

    /// What clamd concluded.
    public enum Verdict: Sendable, Equatable {
        case clean
        /// The signature it matched.
        case infected(String)
    }

    public let address: Address
    /// How long a scan may take, from connecting to clamd's answer.
    public var timeout: TimeAmount = .minutes(10)

    public init(address: Address) {
        self.address = address
    }

    /// Opens a scan, lets `feed` send the file's bytes through `send`, and returns clamd's
    /// verdict; throws `DocumentError.scanFailed` when clamd cannot be reached or answers
    /// something else (uploads are then refused, not let through unscanned).
    public func scan(_ feed: (_ send: (ByteBuffer) async throws -> Void) async throws -> Void) async throws -> Verdict {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await self.connect()
        } catch {
            throw DocumentError.scanFailed("clamd is unreachable (\(error))")
        }
        // A clamd that stops answering is hung up on, which ends the scan as failed.
        let deadline = channel.channel.eventLoop.scheduleTask(in: self.timeout) { channel.channel.close(promise: nil) }
        defer { deadline.cancel() }
        return try await channel.executeThenClose { inbound, outbound in
            var header = ByteBuffer()
            header.writeString("zINSTREAM\0")
            try await outbound.write(header)
            do {
                try await feed { bytes in
                    var frame = ByteBuffer()
                    frame.reserveCapacity(4)
                    frame.writeInteger(UInt32(bytes.readableBytes))
                    try await outbound.write(contentsOf: [frame, bytes])
                }
                try await outbound.write(ByteBuffer(integer: UInt32(0)))
            } catch let error as DocumentError {
                throw error
            } catch is IOError {
                // clamd hung up early, e.g. past its StreamMaxLength: its answer says why.
            }
            var reply = ByteBuffer()
            for try await part in inbound {
                var part = part
                reply.writeBuffer(&part)
                if reply.readableBytesView.contains(0) { break }
            }
            let text = String(decoding: reply.readableBytesView.prefix { $0 != 0 }, as: UTF8.self)
            return try Self.verdict(text)
        }
    }

    /// Reads clamd's one-line answer: `stream: OK`, `stream: <signature> FOUND`, or an error.
    static func verdict(_ text: String) throws -> Verdict {
        if text == "stream: OK" { return .clean }
        if text.hasPrefix("stream: "), text.hasSuffix(" FOUND") {
            return .infected(String(text.dropFirst("stream: ".count).dropLast(" FOUND".count)))
        }
        throw DocumentError.scanFailed(text.isEmpty ? "clamd gave no answer" : "clamd answered: \(text)")
    }

    private func connect() async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connectTimeout(.seconds(5))
        @Sendable func wrap(_ channel: any Channel) -> EventLoopFuture<NIOAsyncChannel<ByteBuffer, ByteBuffer>> {
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel(wrappingChannelSynchronously: channel) }
        }
        switch self.address {
        case .unixSocket(let path): return try await bootstrap.connect(unixDomainSocketPath: path, channelInitializer: wrap)
        case .tcp(let host, let port): return try await bootstrap.connect(host: host, port: port, channelInitializer: wrap)
        }
    }
}
