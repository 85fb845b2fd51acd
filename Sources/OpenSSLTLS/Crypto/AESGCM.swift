import COpenSSL

/// AES-256-GCM authenticated encryption over libcrypto: 32-byte key, 12-byte nonce, 16-byte tag.
/// A nonce must never repeat under one key; `seal` draws a random one unless given one.
public enum AESGCM {
    public static let keyByteCount = 32
    public static let nonceByteCount = 12
    public static let tagByteCount = 16

    /// Ciphertext and tag, with the nonce they were made with.
    public struct SealedBox: Sendable, Equatable {
        public var nonce: [UInt8]
        public var ciphertext: [UInt8]
        public var tag: [UInt8]

        public init(nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) {
            self.nonce = nonce
            self.ciphertext = ciphertext
            self.tag = tag
        }

        /// nonce ‖ ciphertext ‖ tag, the form stored at rest.
        public var combined: [UInt8] { self.nonce + self.ciphertext + self.tag }

        /// Splits the combined form.
        public init(combined: [UInt8]) throws(CryptoError) {
            guard combined.count >= AESGCM.nonceByteCount + AESGCM.tagByteCount else {
                throw .invalidArgument("sealed box of \(combined.count) bytes is too short")
            }
            self.nonce = Array(combined.prefix(AESGCM.nonceByteCount))
            self.ciphertext = Array(combined.dropFirst(AESGCM.nonceByteCount).dropLast(AESGCM.tagByteCount))
            self.tag = Array(combined.suffix(AESGCM.tagByteCount))
        }
    }

    /// Encrypts and authenticates `plaintext`, and authenticates `authenticatedData` (not encrypted).
    public static func seal(
        _ plaintext: [UInt8], key: [UInt8], nonce: [UInt8]? = nil, authenticatedData: [UInt8] = []
    ) throws(CryptoError) -> SealedBox {
        let nonce = nonce ?? SecureRandom.bytes(Self.nonceByteCount)
        guard key.count == Self.keyByteCount else { throw .invalidArgument("AES-256-GCM key must be 32 bytes") }
        guard nonce.count == Self.nonceByteCount else { throw .invalidArgument("AES-GCM nonce must be 12 bytes") }
        let context = try Self.makeContext(key: key, nonce: nonce, encrypt: true)
        defer { EVP_CIPHER_CTX_free(context) }
        var length: Int32 = 0
        if !authenticatedData.isEmpty {
            guard EVP_EncryptUpdate(context, nil, &length, authenticatedData, Int32(authenticatedData.count)) == 1 else {
                throw .openSSL(OpenSSLErrorQueue.drain())
            }
        }
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        if !plaintext.isEmpty {
            guard EVP_EncryptUpdate(context, &ciphertext, &length, plaintext, Int32(plaintext.count)) == 1 else {
                throw .openSSL(OpenSSLErrorQueue.drain())
            }
        }
        var final = [UInt8](repeating: 0, count: 16)
        guard EVP_EncryptFinal_ex(context, &final, &length) == 1 else { throw .openSSL(OpenSSLErrorQueue.drain()) }
        var tag = [UInt8](repeating: 0, count: Self.tagByteCount)
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagByteCount), &tag) == 1 else {
            throw .openSSL(OpenSSLErrorQueue.drain())
        }
        return SealedBox(nonce: nonce, ciphertext: ciphertext, tag: tag)
    }

    /// Checks the tag and decrypts; throws `CryptoError.authenticationFailed` if anything was altered.
    public static func open(_ box: SealedBox, key: [UInt8], authenticatedData: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        guard key.count == Self.keyByteCount else { throw .invalidArgument("AES-256-GCM key must be 32 bytes") }
        guard box.nonce.count == Self.nonceByteCount, box.tag.count == Self.tagByteCount else {
            throw .authenticationFailed
        }
        let context = try Self.makeContext(key: key, nonce: box.nonce, encrypt: false)
        defer { EVP_CIPHER_CTX_free(context) }
        var length: Int32 = 0
        if !authenticatedData.isEmpty {
            guard EVP_DecryptUpdate(context, nil, &length, authenticatedData, Int32(authenticatedData.count)) == 1 else {
                throw .openSSL(OpenSSLErrorQueue.drain())
            }
        }
        var plaintext = [UInt8](repeating: 0, count: box.ciphertext.count)
        if !box.ciphertext.isEmpty {
            guard EVP_DecryptUpdate(context, &plaintext, &length, box.ciphertext, Int32(box.ciphertext.count)) == 1 else {
                throw .openSSL(OpenSSLErrorQueue.drain())
            }
        }
        var tag = box.tag
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagByteCount), &tag) == 1 else {
            throw .openSSL(OpenSSLErrorQueue.drain())
        }
        var final = [UInt8](repeating: 0, count: 16)
        guard EVP_DecryptFinal_ex(context, &final, &length) == 1 else {
            _ = OpenSSLErrorQueue.drain()
            throw .authenticationFailed
        }
        return plaintext
    }

    static func makeContext(key: [UInt8], nonce: [UInt8], encrypt: Bool) throws(CryptoError) -> OpaquePointer {
        guard let context = EVP_CIPHER_CTX_new() else { throw .openSSL(OpenSSLErrorQueue.drain()) }
        let initialise = encrypt ? EVP_EncryptInit_ex : EVP_DecryptInit_ex
        guard initialise(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil) == 1,
            initialise(context, nil, nil, key, nonce) == 1
        else {
            EVP_CIPHER_CTX_free(context)
            throw .openSSL(OpenSSLErrorQueue.drain())
        }
        return context
    }
}
