import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's CSPRNG (`RAND_bytes`).
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        // RAND_bytes fails only if the CSPRNG cannot be seeded, which leaves nothing safe to do.
        guard count == 0 || RAND_bytes(&bytes, Int32(count)) == 1 else {
            fatalError("OpenSSL's random number generator failed: \(OpenSSLErrorQueue.drain())")
        }
        return bytes
    }
}
