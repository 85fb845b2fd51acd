import Foundation
import OpenSSLTLS
import Testing

@Suite struct CryptoTests {
    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func sha256KnownAnswers() {
        // FIPS 180-4 examples.
        #expect(hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(SHA256.hash([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        )
    }

    @Test func streamingSHA256EqualsOneShot() {
        let data = (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }
        let hasher = SHA256()
        var offset = 0
        for size in [1, 63, 64, 65, 4096, 31_000] where offset < data.count {
            hasher.update(data[offset..<min(offset + size, data.count)])
            offset += size
        }
        hasher.update(data[offset...])
        #expect(hasher.finalize() == SHA256.hash(data))
    }

    @Test func randomBytesDiffer() {
        let a = SecureRandom.bytes(32)
        let b = SecureRandom.bytes(32)
        #expect(a.count == 32 && a != b)
        #expect(SecureRandom.bytes(0).isEmpty)
    }
}
