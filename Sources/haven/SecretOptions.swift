import ArgumentParser
import Configuration

/// The installation's secrets and the password-hashing parameters, as flags.
struct SecretOptions: ParsableArguments, ConfigurationFlags {
    @Option(
        name: .customLong("secret-key-file"),
        help: ArgumentHelp(
            "File holding the 32-byte server secret (raw or base64). Default: $HAVEN_SECRET_KEY (base64) or $HAVEN_SECRET_KEY_FILE; in development, <data-dir>/secret.key, made on first use.",
            valueName: "path"
        )
    )
    var secretKeyFile: String?

    @Option(name: .customLong("argon2-memory-kib"), help: "Argon2id memory per hash, KiB (at least 19456, the default).")
    var argon2Memory: Int?

    @Option(name: .customLong("argon2-iterations"), help: "Argon2id passes (at least 2, the default).")
    var argon2Iterations: Int?

    @Option(name: .customLong("password-min-length"), help: "Shortest password accepted (at least 8). Default: 15.")
    var passwordMinimumLength: Int?

    @Option(name: .customLong("deletion-grace-days"), help: "Days before a requested account deletion is carried out (0 to 365). Default: 7.")
    var deletionGraceDays: Int?

    @Option(
        name: .customLong("deleted-posts"),
        help: ArgumentHelp("What becomes of a deleted member's posts: remove, keep (as a former member's) or member-choice (the default; removed unless the member chooses keep).", valueName: "mode")
    )
    var deletedPosts: String?

    @Option(
        name: .customLong("master-key-file"),
        help: ArgumentHelp(
            "File holding the 32-byte master key that seals documents' keys (raw or base64). Default: $HAVEN_MASTER_KEY (base64) or $HAVEN_MASTER_KEY_FILE; in development, <data-dir>/master.key, made on first use.",
            valueName: "path"
        )
    )
    var masterKeyFile: String?

    @Option(
        name: .customLong("previous-master-key-file"),
        help: ArgumentHelp("A master key being rotated away from, still accepted to unwrap (repeatable).", valueName: "path")
    )
    var previousMasterKeyFiles: [String] = []

    var flags: [String: ConfigContent] {
        var flags: [String: ConfigContent] = [:]
        flags.set(SettingKey(SettingKey.secretKey.fileKey), self.secretKeyFile)
        flags.set(SettingKey(SettingKey.masterKey.fileKey), self.masterKeyFile)
        if !self.previousMasterKeyFiles.isEmpty { flags[SettingKey.previousMasterKeyFiles.key] = .stringArray(self.previousMasterKeyFiles) }
        flags.set(.argon2Memory, self.argon2Memory)
        flags.set(.argon2Iterations, self.argon2Iterations)
        flags.set(.passwordMinimumLength, self.passwordMinimumLength)
        flags.set(.deletionGraceDays, self.deletionGraceDays)
        flags.set(.deletedPosts, self.deletedPosts)
        return flags
    }
}
