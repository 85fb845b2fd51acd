import Foundation
import OpenSSLTLS

/// The installation's master secret (32 bytes from configuration), from which purpose-bound keys
/// are derived with HKDF: sealing TOTP secrets at rest, deriving CSRF tokens.
public struct ServerSecret: Sendable {
    private let key: [UInt8]

    /// - Throws: `CryptoError.invalidArgument` unless `key` is 32 bytes.
    public init(key: [UInt8]) throws(CryptoError) {
        guard key.count == 32 else { throw .invalidArgument("the server secret must be 32 bytes, not \(key.count)") }
        self.key = key
    }

    /// A random secret (for tests and first runs).
    public static func generate() -> ServerSecret {
        // 32 random bytes always make a valid secret.
        (try? ServerSecret(key: SecureRandom.bytes(32))) ?? Self.unreachable()
    }

    private static func unreachable() -> ServerSecret { preconditionFailure("32 random bytes are a valid secret") }

    /// 32 random bytes as base64, the form a secret key file holds.
    public static func randomKeyText() throws -> String {
        Data(SecureRandom.bytes(32)).base64EncodedString()
    }

    /// The 32-byte key for `purpose`.
    func derivedKey(_ purpose: String) -> [UInt8] {
        // HKDF with a 32-byte output and a fixed salt cannot fail.
        (try? HKDF.deriveKey(secret: self.key, salt: Array("haven".utf8), info: Array(purpose.utf8), length: 32)) ?? []
    }

    /// Seals `plaintext` bound to `context` (e.g. the account id), for storage.
    func seal(_ plaintext: [UInt8], purpose: String, context: String) throws(CryptoError) -> [UInt8] {
        try AESGCM.seal(plaintext, key: self.derivedKey(purpose), authenticatedData: Array(context.utf8)).combined
    }

    func open(_ sealed: [UInt8], purpose: String, context: String) throws(CryptoError) -> [UInt8] {
        try AESGCM.open(try AESGCM.SealedBox(combined: sealed), key: self.derivedKey(purpose), authenticatedData: Array(context.utf8))
    }

    /// A one-way fingerprint, so instances can tell whether they share the secret without showing it.
    public var fingerprint: String { self.keyedHash("installation", purpose: "fingerprint") }

    /// A keyed hash, e.g. of an address prefix or email, so stored keys reveal nothing by themselves.
    func keyedHash(_ text: String, purpose: String) -> String {
        HMAC.authenticationCode(for: Array(text.utf8), key: self.derivedKey(purpose)).map { String(format: "%02x", $0) }.joined()
    }
}
