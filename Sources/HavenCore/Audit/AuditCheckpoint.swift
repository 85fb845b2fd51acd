import Foundation
import OpenSSLTLS

/// Where a removed prefix of the audit log ended: the position, hash and time of the last row
/// retention deleted, signed with an HMAC under a key derived from the server secret. The oldest
/// row kept links to `hash`, so the chain verifies from here; without the secret, a checkpoint
/// cannot be forged, and without the checkpoint, the missing rows show.
public struct AuditCheckpoint: Sendable, Equatable {
    public var position: Int
    public var hash: [UInt8]
    /// The removed row's time, and the checkpoint's, in microseconds since 1970 (as stored).
    public var occurredAtMicroseconds: Int64
    public var createdAtMicroseconds: Int64
    public var signature: [UInt8]

    /// The link of the first row ever written (the initial head of `audit_head`).
    static let genesisHash = SHA256.hash([UInt8]())

    /// The bytes the signature covers.
    var signedContent: [UInt8] {
        let hex = self.hash.map { String(format: "%02x", $0) }.joined()
        return Array("haven-audit-checkpoint\u{1f}\(self.position)\u{1f}\(hex)\u{1f}\(self.occurredAtMicroseconds)\u{1f}\(self.createdAtMicroseconds)".utf8)
    }

    static func signature(of checkpoint: AuditCheckpoint, by secret: ServerSecret) -> [UInt8] {
        HMAC.authenticationCode(for: checkpoint.signedContent, key: secret.derivedKey("audit-checkpoint"))
    }

    /// Whether the signature is the server secret's (constant time).
    func isSigned(by secret: ServerSecret) -> Bool {
        HMAC.isValid(self.signature, for: self.signedContent, key: secret.derivedKey("audit-checkpoint"))
    }
}
