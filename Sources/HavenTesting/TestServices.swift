import HavenCore
import PasswordHashing

/// What every test in the process shares: one Argon2 pool (minimum parameters) and one secret.
public enum TestServices {
    public static let secret = ServerSecret.generate()

    public static var hashing: PasswordHashingPool {
        get throws { try self.sharedHashing.get() }
    }

    private static let sharedHashing = Result { try PasswordHashingPool(hasher: PasswordHasher(), queueLimit: 256) }
}
