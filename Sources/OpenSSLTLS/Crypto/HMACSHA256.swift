import COpenSSL

/// HMAC-SHA-256 (RFC 2104) over libcrypto.
public enum HMACSHA256 {
    public static let byteCount = 32

    /// The authentication code of `message` under `key`.
    public static func authenticationCode<Key: Collection, Message: Collection>(
        for message: Message, key: Key
    ) -> [UInt8] where Key.Element == UInt8, Message.Element == UInt8 {
        let key = Array(key)
        let message = Array(message)
        var code = [UInt8](repeating: 0, count: Self.byteCount)
        var length: UInt32 = 0
        // HMAC with SHA-256 fails only when out of memory.
        guard HMAC(EVP_sha256(), key, Int32(key.count), message, message.count, &code, &length) != nil else {
            fatalError("HMAC-SHA-256 failed: \(OpenSSLErrorQueue.drain())")
        }
        return code
    }

    /// Whether `code` authenticates `message` under `key`, compared in constant time.
    public static func isValid<Key: Collection, Message: Collection>(
        _ code: [UInt8], for message: Message, key: Key
    ) -> Bool where Key.Element == UInt8, Message.Element == UInt8 {
        ConstantTime.equals(code, self.authenticationCode(for: message, key: key))
    }
}
