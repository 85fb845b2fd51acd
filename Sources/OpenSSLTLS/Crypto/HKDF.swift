import COpenSSL

/// HKDF with SHA-256 (RFC 5869): derives keys from a secret, through libcrypto's EVP_KDF.
public enum HKDF {
    /// Derives `length` bytes (at most 255 × 32) from `secret`, `salt` and `info`.
    public static func deriveKey(secret: [UInt8], salt: [UInt8], info: [UInt8], length: Int) throws(CryptoError) -> [UInt8] {
        guard length > 0, length <= 255 * 32 else { throw .invalidArgument("HKDF output length \(length)") }
        guard let kdf = EVP_KDF_fetch(nil, "HKDF", nil) else { throw .openSSL(OpenSSLErrorQueue.drain()) }
        defer { EVP_KDF_free(kdf) }
        guard let context = EVP_KDF_CTX_new(kdf) else { throw .openSSL(OpenSSLErrorQueue.drain()) }
        defer { EVP_KDF_CTX_free(context) }
        var output = [UInt8](repeating: 0, count: length)
        var secret = secret, salt = salt, info = info
        // OSSL_PARAM keeps pointers to its key names: they must outlive the call, so they are
        // static strings (null-terminated in the binary), not bridged temporaries.
        func name(_ text: StaticString) -> UnsafePointer<CChar> {
            UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
        }
        var digest = Array("SHA256".utf8CString)
        let status = secret.withUnsafeMutableBytes { secretBytes in
            salt.withUnsafeMutableBytes { saltBytes in
                info.withUnsafeMutableBytes { infoBytes in
                    digest.withUnsafeMutableBufferPointer { digestName in
                        var parameters = [
                            OSSL_PARAM_construct_utf8_string(name("digest"), digestName.baseAddress, 0),
                            OSSL_PARAM_construct_octet_string(name("key"), secretBytes.baseAddress, secretBytes.count),
                        ]
                        // An empty salt is HKDF's default (zeros); empty info is no info.
                        if saltBytes.count > 0 {
                            parameters.append(OSSL_PARAM_construct_octet_string(name("salt"), saltBytes.baseAddress, saltBytes.count))
                        }
                        if infoBytes.count > 0 {
                            parameters.append(OSSL_PARAM_construct_octet_string(name("info"), infoBytes.baseAddress, infoBytes.count))
                        }
                        parameters.append(OSSL_PARAM_construct_end())
                        return EVP_KDF_derive(context, &output, length, &parameters)
                    }
                }
            }
        }
        guard status == 1 else { throw .openSSL(OpenSSLErrorQueue.drain()) }
        return output
    }
}
