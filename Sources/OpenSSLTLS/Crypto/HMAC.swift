import COpenSSL

/// HMAC (RFC 2104) over libcrypto, with SHA-256 or (for TOTP, RFC 6238) SHA-1.
public enum HMAC {
    public enum Digest: Sendable {
        case sha1
        case sha256

        var byteCount: Int { self == .sha1 ? 20 : 32 }
        var evp: OpaquePointer? { self == .sha1 ? EVP_sha1() : EVP_sha256() }
    }

    /// The authentication code of `message` under `key`.
    public static func authenticationCode<Key: Collection, Message: Collection>(
        for message: Message, key: Key, digest: Digest = .sha256
    ) -> [UInt8] where Key.Element == UInt8, Message.Element == UInt8 {
        let key = Array(key)
        let message = Array(message)
        var code = [UInt8](repeating: 0, count: digest.byteCount)
        var length: UInt32 = 0
        // HMAC with a built-in digest fails only when out of memory.
        guard COpenSSL.HMAC(digest.evp, key, Int32(key.count), message, message.count, &code, &length) != nil else {
            fatalError("HMAC failed: \(OpenSSLErrorQueue.drain())")
        }
        return code
    }

    /// Whether `code` authenticates `message` under `key`, compared in constant time.
    public static func isValid<Key: Collection, Message: Collection>(
        _ code: [UInt8], for message: Message, key: Key, digest: Digest = .sha256
    ) -> Bool where Key.Element == UInt8, Message.Element == UInt8 {
        ConstantTime.equals(code, self.authenticationCode(for: message, key: key, digest: digest))
    }
}
