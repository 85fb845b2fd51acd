import COpenSSL

/// SHA-256 over libcrypto, one-shot or streaming (`update` as data arrives, then `finalize`).
/// Not copyable: one digest state, one owner.
public struct SHA256: ~Copyable {
    public static let byteCount = 32
    private let context: OpaquePointer

    public init() {
        // EVP_MD_CTX_new fails only when out of memory.
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            fatalError("EVP_DigestInit_ex(SHA-256) failed: \(OpenSSLErrorQueue.drain())")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(self.context) }

    /// Adds bytes to the digest.
    public func update(_ buffer: UnsafeRawBufferPointer) {
        _ = EVP_DigestUpdate(self.context, buffer.baseAddress, buffer.count)
    }

    /// Adds bytes to the digest.
    public func update<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { self.update(UnsafeRawBufferPointer($0)) }
        if done == nil { Array(bytes).withUnsafeBytes { self.update($0) } }
    }

    /// The digest of everything added; consumes the hasher.
    public consuming func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Self.byteCount)
        var length: UInt32 = 0
        _ = EVP_DigestFinal_ex(self.context, &digest, &length)
        return digest
    }

    /// The digest of `bytes`.
    public static func hash<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        let hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}
