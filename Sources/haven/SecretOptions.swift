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

    func serverSecret(dataFolder: URL, logger: Logger) throws -> ServerSecret {
        if let path = self.secretKeyFile {
            return try Self.parse(try Data(contentsOf: URL(filePath: path)), source: path)
        }
        if let text = ProcessInfo.processInfo.environment["HAVEN_SECRET_KEY"], !text.isEmpty {
            return try Self.parse(Data(text.utf8), source: "HAVEN_SECRET_KEY")
        }
        let file = dataFolder.appending(path: "secret.key")
        if let data = FileManager.default.contents(atPath: file.path) {
            return try Self.parse(data, source: file.path)
        }
        let key = try ServerSecret.randomKeyText()
        _ = FileManager.default.createFile(atPath: file.path, contents: Data(key.utf8), attributes: [.posixPermissions: 0o600])
        logger.warning("made a new server secret; keep it safe and the same across restarts", metadata: ["file": "\(file.path)"])
        return try Self.parse(Data(key.utf8), source: file.path)
    }

    static func parse(_ data: Data, source: String) throws -> ServerSecret {
        if data.count == 32 { return try ServerSecret(key: [UInt8](data)) }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let decoded = Data(base64Encoded: text), decoded.count == 32 else {
            throw ValidationError("\(source) must hold 32 bytes, raw or base64")
        }
        return try ServerSecret(key: [UInt8](decoded))
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
