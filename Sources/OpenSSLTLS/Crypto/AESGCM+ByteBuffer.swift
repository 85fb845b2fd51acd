import COpenSSL
import NIOCore

extension AESGCM {
    /// Seals `plaintext` under `key` with a random nonce and appends nonce ‖ ciphertext ‖ tag to
    /// `output`, with no intermediate copies: for large payloads such as document chunks.
    public static func seal(
        _ plaintext: ByteBuffer, key: [UInt8], authenticatedData: [UInt8], appendingTo output: inout ByteBuffer
    ) throws(CryptoError) {
        let nonce = SecureRandom.bytes(Self.nonceByteCount)
        guard key.count == Self.keyByteCount else { throw .invalidArgument("AES-256-GCM key must be 32 bytes") }
        let context = try Self.makeContext(key: key, nonce: nonce, encrypt: true)
        defer { EVP_CIPHER_CTX_free(context) }
        output.writeBytes(nonce)
        let failure: CryptoError? = plaintext.withUnsafeReadableBytes { input in
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: input.count + Self.tagByteCount) { out in
                var length: Int32 = 0
                guard authenticatedData.isEmpty || EVP_EncryptUpdate(context, nil, &length, authenticatedData, Int32(authenticatedData.count)) == 1
                else { return 0 }
                let base = out.baseAddress?.assumingMemoryBound(to: UInt8.self)
                var written = 0
                if input.count > 0 {
                    guard EVP_EncryptUpdate(context, base, &length, input.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(input.count)) == 1
                    else { return 0 }
                    written = Int(length)
                }
                guard EVP_EncryptFinal_ex(context, base.map { $0 + written }, &length) == 1 else { return 0 }
                written += Int(length)
                guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagByteCount), base.map { $0 + written }) == 1 else { return 0 }
                return written + Self.tagByteCount
            } == input.count + Self.tagByteCount ? nil : .openSSL(OpenSSLErrorQueue.drain())
        }
        if let failure { throw failure }
    }

    /// Opens nonce ‖ ciphertext ‖ tag (as `seal(_:key:authenticatedData:appendingTo:)` writes it)
    /// and appends the plaintext to `output`; throws `.authenticationFailed` if anything was altered.
    public static func open(
        combined: ByteBuffer, key: [UInt8], authenticatedData: [UInt8], appendingTo output: inout ByteBuffer
    ) throws(CryptoError) {
        try combined.withUnsafeReadableBytes { input throws(CryptoError) in
            try Self.open(combined: input, key: key, authenticatedData: authenticatedData, appendingTo: &output)
        }
    }

    /// As `open(combined:key:authenticatedData:appendingTo:)` for bytes held elsewhere (a row's
    /// value, say), so they need not be copied into a buffer first.
    public static func open(
        combined input: UnsafeRawBufferPointer, key: [UInt8], authenticatedData: [UInt8], appendingTo output: inout ByteBuffer
    ) throws(CryptoError) {
        guard key.count == Self.keyByteCount else { throw .invalidArgument("AES-256-GCM key must be 32 bytes") }
        guard input.count >= Self.nonceByteCount + Self.tagByteCount, let bytes = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw .authenticationFailed
        }
        let nonce = Array(UnsafeBufferPointer(start: bytes, count: Self.nonceByteCount))
        let context = try Self.makeContext(key: key, nonce: nonce, encrypt: false)
        defer { EVP_CIPHER_CTX_free(context) }
        let start = output.writerIndex
        let count = input.count - Self.nonceByteCount - Self.tagByteCount
        var opened = false
        // GCM is a stream mode: the plaintext is exactly as long as the ciphertext, so a buffer
        // reserved for a whole chunk is never grown (ByteBuffers grow to powers of two).
        output.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { out in
            var length: Int32 = 0
            guard authenticatedData.isEmpty || EVP_DecryptUpdate(context, nil, &length, authenticatedData, Int32(authenticatedData.count)) == 1
            else { return 0 }
            let base = out.baseAddress?.assumingMemoryBound(to: UInt8.self)
            var written = 0
            if count > 0 {
                guard EVP_DecryptUpdate(context, base, &length, bytes + Self.nonceByteCount, Int32(count)) == 1 else { return 0 }
                written = Int(length)
            }
            let tag = UnsafeMutableRawPointer(mutating: bytes + Self.nonceByteCount + count)
            guard written == count, EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagByteCount), tag) == 1,
                EVP_DecryptFinal_ex(context, base.map { $0 + written }, &length) == 1, length == 0
            else { return 0 }
            opened = true
            return written
        }
        guard opened else {
            output.moveWriterIndex(to: start)
            _ = OpenSSLErrorQueue.drain()
            throw .authenticationFailed
        }
    }

    /// Opens nonce ‖ ciphertext ‖ tag where it lies, decrypting over the ciphertext, and returns
    /// the plaintext as a slice of `buffer`: no second buffer for each chunk of a download.
    /// Throws `.authenticationFailed` if anything was altered (the buffer's bytes are then garbage).
    public static func openInPlace(_ buffer: inout ByteBuffer, key: [UInt8], authenticatedData: [UInt8]) throws(CryptoError) -> ByteBuffer {
        guard key.count == Self.keyByteCount else { throw .invalidArgument("AES-256-GCM key must be 32 bytes") }
        let count = buffer.readableBytes - Self.nonceByteCount - Self.tagByteCount
        guard count >= 0 else { throw .authenticationFailed }
        let nonce = buffer.getBytes(at: buffer.readerIndex, length: Self.nonceByteCount) ?? []
        let context = try Self.makeContext(key: key, nonce: nonce, encrypt: false)
        defer { EVP_CIPHER_CTX_free(context) }
        let opened = buffer.withUnsafeMutableReadableBytes { bytes -> Bool in
            guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
            let text = base + Self.nonceByteCount
            var length: Int32 = 0
            guard authenticatedData.isEmpty || EVP_DecryptUpdate(context, nil, &length, authenticatedData, Int32(authenticatedData.count)) == 1
            else { return false }
            // GCM decrypts in place when input and output are the same bytes.
            if count > 0 {
                guard EVP_DecryptUpdate(context, text, &length, text, Int32(count)) == 1, Int(length) == count else { return false }
            }
            let tag = UnsafeMutableRawPointer(text + count)
            var final: Int32 = 0
            return EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagByteCount), tag) == 1
                && EVP_DecryptFinal_ex(context, text + count, &final) == 1 && final == 0
        }
        guard opened, let plaintext = buffer.getSlice(at: buffer.readerIndex + Self.nonceByteCount, length: count) else {
            _ = OpenSSLErrorQueue.drain()
            throw .authenticationFailed
        }
        return plaintext
    }
}
