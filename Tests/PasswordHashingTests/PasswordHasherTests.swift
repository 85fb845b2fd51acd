import PasswordHashing
import Testing

@Suite struct PasswordHasherTests {
    @Test func hashIsAnArgon2idPHCStringWithTheConfiguredParameters() throws {
        let hasher = try PasswordHasher()
        let hash = try hasher.hash("correct horse battery staple")
        #expect(hash.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(hash.split(separator: "$").count == 5)
        // A fresh salt each time.
        #expect(try hasher.hash("correct horse battery staple") != hash)
    }

    @Test func verifyAcceptsTheRightPasswordOnly() throws {
        let hasher = try PasswordHasher()
        let hash = try hasher.hash("ĉu vi parolas Esperanton? 🔐")
        #expect(try hasher.verify("ĉu vi parolas Esperanton? 🔐", against: hash) == .valid)
        #expect(try hasher.verify("ĉu vi parolas Esperanton?", against: hash) == .invalid)
        #expect(try hasher.verify("", against: hash) == .invalid)
    }

    @Test func weakerStoredParametersAskForARehash() throws {
        let old = try PasswordHasher(parameters: .minimum)
        let stronger = try PasswordHasher(parameters: Argon2Parameters(memoryKiB: 19_456, iterations: 3, parallelism: 1))
        let hash = try old.hash("a long enough passphrase")
        #expect(try stronger.verify("a long enough passphrase", against: hash) == .validNeedsRehash)
        #expect(try stronger.verify("wrong", against: hash) == .invalid)
    }

    @Test func knownAnswerFromTheArgon2CLI() throws {
        // `echo -n password | argon2 somesaltsomesalt -id -t 2 -m 15 -p 1 -l 32 -e` gives a PHC
        // string with m=32768; verification must accept it (and flag nothing to rehash at m=19456).
        let reference = "$argon2id$v=19$m=32768,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$IX8rTqp0d9Pu37QS7l1Ix06hxksaav9Ey5Ztp+RIRS8"
        let hasher = try PasswordHasher()
        #expect(try hasher.verify("password", against: reference) == .valid)
        #expect(try hasher.verify("Password", against: reference) == .invalid)
    }

    @Test func parametersBelowTheFloorAreRefused() {
        #expect(throws: PasswordHashingError.self) { try PasswordHasher(parameters: Argon2Parameters(memoryKiB: 4096)) }
        #expect(throws: PasswordHashingError.self) { try PasswordHasher(parameters: Argon2Parameters(iterations: 1)) }
    }

    @Test func malformedStoredHashIsAnError() throws {
        let hasher = try PasswordHasher()
        #expect(throws: PasswordHashingError.malformedHash) { try hasher.verify("x", against: "$2b$10$notargon") }
        #expect(throws: PasswordHashingError.malformedHash) { try hasher.verify("x", against: "") }
    }
}
