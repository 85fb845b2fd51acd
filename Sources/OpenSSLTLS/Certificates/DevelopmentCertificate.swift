import COpenSSL
import Foundation

/// A self-signed ECDSA P-256 certificate for `localhost`, 127.0.0.1 and ::1, made with OpenSSL's
/// API, so that development and tests run over real TLS without a certificate authority.
public enum DevelopmentCertificate {
    /// The certificate and key files in `folder` (`dev-cert.pem`, `dev-key.pem`), created if
    /// missing or expiring within a day.
    public static func ensure(in folder: URL, validDays: Int = 365) throws(TLSError) -> (certificate: String, key: String) {
        let certificate = folder.appending(path: "dev-cert.pem").path
        let key = folder.appending(path: "dev-key.pem").path
        if Self.isUsable(certificate: certificate, key: key) { return (certificate, key) }
        try Self.create(certificatePath: certificate, keyPath: key, validDays: validDays)
        return (certificate, key)
    }

    /// Writes a new key (mode 0600) and certificate.
    public static func create(certificatePath: String, keyPath: String, validDays: Int = 365) throws(TLSError) {
        do {
            try FileManager.default.createDirectory(
                atPath: (certificatePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true
            )
        } catch {
            throw .unreadableFile(path: certificatePath, reason: "cannot create its folder: \(error)")
        }
        let key = try Self.generateKey()
        defer { EVP_PKEY_free(key) }
        guard let certificate = X509_new() else { throw .configuration(OpenSSLErrorQueue.drain()) }
        defer { X509_free(certificate) }

        X509_set_version(certificate, 2)  // v3
        let serial = SecureRandom.bytes(16)
        guard let serialNumber = BN_bin2bn([serial[0] & 0x7f] + serial.dropFirst(), 16, nil) else {
            throw .configuration(OpenSSLErrorQueue.drain())
        }
        defer { BN_free(serialNumber) }
        BN_to_ASN1_INTEGER(serialNumber, X509_get_serialNumber(certificate))
        X509_gmtime_adj(X509_getm_notBefore(certificate), -3600)
        X509_gmtime_adj(X509_getm_notAfter(certificate), validDays * 86_400)
        guard X509_set_pubkey(certificate, key) == 1, let name = X509_get_subject_name(certificate) else {
            throw .configuration(OpenSSLErrorQueue.drain())
        }
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, "Haven development", -1, -1, 0)
        // A name of its own, so that trusting several development certificates stays unambiguous.
        let unit = "certificate " + serial.prefix(6).map { String(format: "%02x", $0) }.joined()
        X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_ASC, unit, -1, -1, 0)
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, "localhost", -1, -1, 0)
        X509_set_issuer_name(certificate, name)

        var extensionContext = X509V3_CTX()
        X509V3_set_ctx(&extensionContext, certificate, certificate, nil, nil, 0)
        // Its own trust anchor: some TLS stacks (BoringSSL among them) accept a self-signed
        // certificate as a root only if it says it is a CA.
        let extensions: [(Int32, String)] = [
            (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
            (NID_key_usage, "critical,digitalSignature,keyCertSign"),
            (NID_ext_key_usage, "serverAuth"),
            (NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"),
            (NID_subject_key_identifier, "hash"),
        ]
        for (nid, value) in extensions {
            guard let item = X509V3_EXT_conf_nid(nil, &extensionContext, nid, value) else {
                throw .configuration(OpenSSLErrorQueue.drain())
            }
            X509_add_ext(certificate, item, -1)
            X509_EXTENSION_free(item)
        }
        guard X509_sign(certificate, key, EVP_sha256()) > 0 else { throw .configuration(OpenSSLErrorQueue.drain()) }

        try Self.writePEM(path: keyPath, mode: 0o600) { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
        try Self.writePEM(path: certificatePath, mode: 0o644) { PEM_write_bio_X509($0, certificate) }
    }

    private static func generateKey() throws(TLSError) -> OpaquePointer {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else { throw .configuration(OpenSSLErrorQueue.drain()) }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_group_name(context, "P-256") == 1,
            EVP_PKEY_generate(context, &key) == 1, let key
        else { throw .configuration(OpenSSLErrorQueue.drain()) }
        return key
    }

    private static func writePEM(path: String, mode: Int, _ write: (OpaquePointer) -> Int32) throws(TLSError) {
        // Create with the final mode before any secret is written.
        _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: mode])
        guard let bio = BIO_new_file(path, "w") else { throw .unreadableFile(path: path, reason: OpenSSLErrorQueue.drain()) }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw .unreadableFile(path: path, reason: OpenSSLErrorQueue.drain()) }
    }

    private static func isUsable(certificate: String, key: String) -> Bool {
        guard FileManager.default.fileExists(atPath: key), let certificates = try? TLSContext.readCertificates(certificate),
            let leaf = certificates.first
        else { return false }
        defer { certificates.forEach { X509_free($0) } }
        var tomorrow = time(nil) + 86_400
        return X509_cmp_time(X509_get0_notAfter(leaf), &tomorrow) > 0
    }
}
