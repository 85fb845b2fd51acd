import CArgon2

/// Hashes passwords with Argon2id into PHC strings
/// (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`) and verifies them.
///
/// Hashing is deliberately slow and memory-hungry and blocks its thread: callers on an event
/// loop or the cooperative pool must move it to threads of their own.
public struct PasswordHasher: Sendable {
    public let parameters: Argon2Parameters
    static let saltLength = 16
    static let hashLength = 32

    public init(parameters: Argon2Parameters = .minimum) throws(PasswordHashingError) {
        guard parameters.memoryKiB >= Argon2Parameters.minimum.memoryKiB,
            parameters.iterations >= Argon2Parameters.minimum.iterations,
            parameters.parallelism >= Argon2Parameters.minimum.parallelism
        else { throw .parametersBelowMinimum(parameters) }
        self.parameters = parameters
    }

    /// The outcome of checking a password against a stored hash.
    public enum Verification: Sendable, Equatable {
        case invalid
        case valid
        /// Valid, but stored with weaker parameters than the current ones: store a new hash.
        case validNeedsRehash
    }

    /// Hashes `password` with a fresh random 16-byte salt.
    public func hash(_ password: String) throws(PasswordHashingError) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<Self.saltLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let encodedLength = argon2_encodedlen(
            self.parameters.iterations, self.parameters.memoryKiB, self.parameters.parallelism,
            UInt32(Self.saltLength), UInt32(Self.hashLength), Argon2_id
        )
        var encoded = [CChar](repeating: 0, count: encodedLength)
        let password = Array(password.utf8)
        let code = argon2id_hash_encoded(
            self.parameters.iterations, self.parameters.memoryKiB, self.parameters.parallelism,
            password, password.count, salt, salt.count, Self.hashLength, &encoded, encodedLength
        )
        guard code == ARGON2_OK.rawValue else { throw Self.error(code) }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Checks `password` against `storedHash` in constant time (libargon2 compares the digests
    /// without early exit).
    public func verify(_ password: String, against storedHash: String) throws(PasswordHashingError) -> Verification {
        guard let stored = Self.parameters(of: storedHash) else { throw .malformedHash }
        let password = Array(password.utf8)
        let code = argon2id_verify(storedHash, password, password.count)
        switch code {
        case ARGON2_OK.rawValue:
            let weaker = stored.memoryKiB < self.parameters.memoryKiB || stored.iterations < self.parameters.iterations
                || stored.parallelism < self.parameters.parallelism
            return weaker ? .validNeedsRehash : .valid
        case ARGON2_VERIFY_MISMATCH.rawValue:
            return .invalid
        case ARGON2_DECODING_FAIL.rawValue, ARGON2_INCORRECT_TYPE.rawValue:
            throw .malformedHash
        default:
            throw Self.error(code)
        }
    }

    /// The parameters recorded in a PHC string, or nil if it is not Argon2id version 19.
    static func parameters(of phc: String) -> Argon2Parameters? {
        let fields = phc.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0].isEmpty, fields[1] == "argon2id", fields[2] == "v=19" else { return nil }
        var values: [Substring: UInt32] = [:]
        for pair in fields[3].split(separator: ",") {
            let parts = pair.split(separator: "=")
            guard parts.count == 2, let value = UInt32(parts[1]) else { return nil }
            values[parts[0]] = value
        }
        guard let memory = values["m"], let iterations = values["t"], let lanes = values["p"] else { return nil }
        return Argon2Parameters(memoryKiB: memory, iterations: iterations, parallelism: lanes)
    }

    private static func error(_ code: Int32) -> PasswordHashingError {
        .argon2(code: code, message: argon2_error_message(code).map { String(cString: $0) } ?? "unknown")
    }
}
