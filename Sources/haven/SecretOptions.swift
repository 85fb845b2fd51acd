import ArgumentParser
import Foundation
import HavenCore
import Logging
import PasswordHashing

/// The installation secret and the password-hashing parameters.
struct SecretOptions: ParsableArguments {
    @Option(
        name: .customLong("secret-key-file"),
        help: ArgumentHelp(
            "File holding the 32-byte server secret (raw or base64). Default: $HAVEN_SECRET_KEY (base64), else <data-dir>/secret.key, made on first use.",
            valueName: "path"
        )
    )
    var secretKeyFile: String?

    @Option(name: .customLong("argon2-memory-kib"), help: "Argon2id memory per hash, KiB (at least 19456).")
    var argon2Memory: UInt32 = 19_456

    @Option(name: .customLong("argon2-iterations"), help: "Argon2id passes (at least 2).")
    var argon2Iterations: UInt32 = 2

    @Option(name: .customLong("password-min-length"), help: "Shortest password accepted (at least 8).")
    var passwordMinimumLength = 15

    @Option(
        name: .customLong("master-key-file"),
        help: ArgumentHelp(
            "File holding the 32-byte master key that seals documents' keys (raw or base64). Default: $HAVEN_MASTER_KEY (base64), else <data-dir>/master.key, made on first use.",
            valueName: "path"
        )
    )
    var masterKeyFile: String?

    @Option(
        name: .customLong("previous-master-key-file"),
        help: ArgumentHelp("A master key being rotated away from, still accepted to unwrap (repeatable).", valueName: "path")
    )
    var previousMasterKeyFiles: [String] = []

    func serverSecret(dataFolder: URL, logger: Logger) throws -> ServerSecret {
        try ServerSecret(
            key: try Self.key(file: self.secretKeyFile, environment: "HAVEN_SECRET_KEY", made: dataFolder.appending(path: "secret.key"), logger: logger)
        )
    }

    /// The master key and any previous ones, for the document libraries.
    func masterKeys(dataFolder: URL, logger: Logger) throws -> MasterKeyring {
        let current = try MasterKey(
            key: try Self.key(file: self.masterKeyFile, environment: "HAVEN_MASTER_KEY", made: dataFolder.appending(path: "master.key"), logger: logger)
        )
        let previous = try self.previousMasterKeyFiles.map { path in
            try MasterKey(key: try Self.parse(try Data(contentsOf: URL(filePath: path)), source: path))
        }
        return MasterKeyring(current: current, previous: previous)
    }

    /// 32 bytes from `file`, else from the environment variable (base64), else from the file
    /// `made` in the data folder, created with a random key on first use.
    static func key(file: String?, environment: String, made: URL, logger: Logger) throws -> [UInt8] {
        if let path = file {
            return try Self.parse(try Data(contentsOf: URL(filePath: path)), source: path)
        }
        if let text = ProcessInfo.processInfo.environment[environment], !text.isEmpty {
            return try Self.parse(Data(text.utf8), source: environment)
        }
        if let data = FileManager.default.contents(atPath: made.path) {
            return try Self.parse(data, source: made.path)
        }
        let key = try ServerSecret.randomKeyText()
        _ = FileManager.default.createFile(atPath: made.path, contents: Data(key.utf8), attributes: [.posixPermissions: 0o600])
        logger.warning("made a new key; keep it safe and the same across restarts", metadata: ["file": "\(made.path)"])
        return try Self.parse(Data(key.utf8), source: made.path)
    }

    static func parse(_ data: Data, source: String) throws -> [UInt8] {
        if data.count == 32 { return [UInt8](data) }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let decoded = Data(base64Encoded: text), decoded.count == 32 else {
            throw ValidationError("\(source) must hold 32 bytes, raw or base64")
        }
        return [UInt8](decoded)
    }

    func hashingPool() throws -> PasswordHashingPool {
        try PasswordHashingPool(hasher: PasswordHasher(parameters: Argon2Parameters(memoryKiB: self.argon2Memory, iterations: self.argon2Iterations)))
    }

    func accountsConfiguration(publicURL: String) -> AccountsConfiguration {
        var configuration = AccountsConfiguration()
        configuration.passwordPolicy = PasswordPolicy(minimumLength: self.passwordMinimumLength)
        configuration.publicURL = publicURL
        return configuration
    }
}
