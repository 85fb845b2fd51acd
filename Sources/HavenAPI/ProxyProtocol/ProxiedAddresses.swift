import NIOCore
import Synchronization

/// The client addresses PROXY headers gave, by connection, for request contexts to read: NIO's
/// channels have no storage of their own, and requests are handled away from the event loop.
final class ProxiedAddresses: Sendable {
    static let shared = ProxiedAddresses()

    private let addresses = Mutex<[ObjectIdentifier: String]>([:])

    func record(_ address: String, for channel: any Channel) {
        self.addresses.withLock { $0[ObjectIdentifier(channel)] = address }
    }

    func forget(_ channel: any Channel) {
        _ = self.addresses.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// The client's address: from the PROXY header if there was one, else the socket's peer.
    func address(of channel: any Channel) -> String? {
        self.addresses.withLock { $0[ObjectIdentifier(channel)] } ?? channel.remoteAddress?.ipAddress
    }
}
