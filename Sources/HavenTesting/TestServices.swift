import HavenCore
import PasswordHashing

/// What every test in the process shares: one Argon2 pool (minimum parameters) and one secret.
public enum TestServices {
    public static let secret = ServerSecret.generate()
    /// The master key documents are sealed under in tests (fixed, so a test can make a second
    /// server that reads what the first stored).
    public static let documentKeys = MasterKeyring(current: Self.masterKey(1))

    /// A master key made of one repeated byte: distinct and stable per `seed`.
    public static func masterKey(_ seed: UInt8) -> MasterKey {
        guard let key = try? MasterKey(key: [UInt8](repeating: seed, count: 32)) else { preconditionFailure("32 bytes make a master key") }
        return key
    }

    public static var hashing: PasswordHashingPool {
        get throws { try self.sharedHashing.get() }
    }

    private static let sharedHashing = Result { try PasswordHashingPool(hasher: PasswordHasher(), queueLimit: 256) }
}
