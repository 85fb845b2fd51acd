import Foundation
import OpenSSLTLS
import Testing

/// Known-answer tests from the RFCs and NIST documents that define each primitive.
@Suite struct CryptoKnownAnswerTests {
    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
    func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return result
    }

    @Test func hmacSHA256RFC4231() {
        // Test case 1
        #expect(
            hex(HMAC.authenticationCode(for: Array("Hi There".utf8), key: [UInt8](repeating: 0x0b, count: 20)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        )
        // Test case 2
        #expect(
            hex(HMAC.authenticationCode(for: Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        )
        // Test case 6: a key longer than the block size.
        #expect(
            hex(HMAC.authenticationCode(
                for: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8), key: [UInt8](repeating: 0xaa, count: 131)
            )) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        )
        let code = HMAC.authenticationCode(for: Array("message".utf8), key: Array("key".utf8))
        #expect(HMAC.isValid(code, for: Array("message".utf8), key: Array("key".utf8)))
        #expect(!HMAC.isValid(code, for: Array("messagf".utf8), key: Array("key".utf8)))
    }

    @Test func hmacSHA1RFC2202() {
        // Test case 2 of RFC 2202 (HMAC-SHA-1, used by TOTP).
        #expect(
            hex(HMAC.authenticationCode(for: Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8), digest: .sha1))
                == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        )
    }

    @Test func constantTimeCompare() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([], []))
    }

    @Test func hkdfRFC5869() throws {
        // Test case 1
        let okm = try HKDF.deriveKey(
            secret: [UInt8](repeating: 0x0b, count: 22), salt: bytes("000102030405060708090a0b0c"),
            info: bytes("f0f1f2f3f4f5f6f7f8f9"), length: 42
        )
        #expect(hex(okm) == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
        // Test case 3: no salt, no info.
        let okm3 = try HKDF.deriveKey(secret: [UInt8](repeating: 0x0b, count: 22), salt: [], info: [], length: 42)
        #expect(hex(okm3) == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")
        #expect(throws: CryptoError.self) { try HKDF.deriveKey(secret: [1], salt: [], info: [], length: 0) }
    }

    @Test func aes256GCMFromTheGCMSpecification() throws {
        // McGrew & Viega, "The Galois/Counter Mode of Operation", test case 16 (AES-256, with AAD).
        let key = bytes("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
        let nonce = bytes("cafebabefacedbaddecaf888")
        let plaintext = bytes(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
        )
        let aad = bytes("feedfacedeadbeeffeedfacedeadbeefabaddad2")
        let box = try AESGCM.seal(plaintext, key: key, nonce: nonce, authenticatedData: aad)
        #expect(
            hex(box.ciphertext)
                == "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
        )
        #expect(hex(box.tag) == "76fc6ece0f4e1768cddf8853bb2d551b")
        #expect(try AESGCM.open(box, key: key, authenticatedData: aad) == plaintext)
        // Test case 13: empty plaintext, no AAD, zero key and nonce.
        let empty = try AESGCM.seal([], key: [UInt8](repeating: 0, count: 32), nonce: [UInt8](repeating: 0, count: 12))
        #expect(hex(empty.tag) == "530f8afbc74536b9a963b4f1c4cb738b")
    }

    @Test func aesGCMRefusesAnyAlteration() throws {
        let key = SecureRandom.bytes(32)
        let box = try AESGCM.seal(Array("a field report".utf8), key: key, authenticatedData: Array("document 7, chunk 0".utf8))
        var flipped = box
        flipped.ciphertext[0] ^= 1
        #expect(throws: CryptoError.authenticationFailed) { try AESGCM.open(flipped, key: key, authenticatedData: Array("document 7, chunk 0".utf8)) }
        #expect(throws: CryptoError.authenticationFailed) { try AESGCM.open(box, key: key, authenticatedData: Array("document 7, chunk 1".utf8)) }
        #expect(throws: CryptoError.authenticationFailed) { try AESGCM.open(box, key: SecureRandom.bytes(32), authenticatedData: Array("document 7, chunk 0".utf8)) }
        let combined = try AESGCM.SealedBox(combined: box.combined)
        #expect(try AESGCM.open(combined, key: key, authenticatedData: Array("document 7, chunk 0".utf8)) == Array("a field report".utf8))
    }
}
