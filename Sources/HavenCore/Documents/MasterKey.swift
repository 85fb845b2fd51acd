import Foundation
import OpenSSLTLS

/// A 256-bit key from configuration that seals (wraps) documents' data keys. Its id, derived
/// from the key, is stored beside each wrapped key so that keys can be rotated.
public struct MasterKey: Sendable {
    public let id: String
    let key: [UInt8]

    public init(key: [UInt8]) throws(CryptoError) {
        guard key.count == AESGCM.keyByteCount else { throw .invalidArgument("a master key is 32 bytes") }
        self.key = key
        self.id = Array(SHA256.hash(Array("haven master key id".utf8) + key).prefix(8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A new random key, base64, for a key file.
    public static func randomKeyText() -> String {
        Data(SecureRandom.bytes(AESGCM.keyByteCount)).base64EncodedString()
    }

    /// Seals a version's data key, bound to the document and version it belongs to.
    func wrap(_ dataKey: [UInt8], document: UUID, version: Int) throws -> [UInt8] {
        try AESGCM.seal(dataKey, key: self.key, authenticatedData: Self.context(document: document, version: version)).combined
    }

    func unwrap(_ wrapped: [UInt8], document: UUID, version: Int) throws -> [UInt8] {
        try AESGCM.open(AESGCM.SealedBox(combined: wrapped), key: self.key, authenticatedData: Self.context(document: document, version: version))
    }

    static func context(document: UUID, version: Int) -> [UInt8] {
        Array("haven document key".utf8) + withUnsafeBytes(of: document.uuid) { Array($0) } + withUnsafeBytes(of: UInt32(version).bigEndian) { Array($0) }
    }
}
