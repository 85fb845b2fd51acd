import Foundation
import HavenCore
import Logging
import PasswordHashing

extension HavenConfiguration {
    func serverSecret(logger: Logger) throws -> ServerSecret {
        try ServerSecret(key: try self.key(self.secretKey, setting: .secretKey, made: "secret.key", logger: logger))
    }

    /// The server secret if it is given or (development) already made, without making one: for
    /// commands that only check, such as `haven audit verify`.
    func existingServerSecret() throws -> ServerSecret? {
        if let given = self.secretKey { return try ServerSecret(key: try Self.parseKey(given, setting: .secretKey)) }
        guard self.mode == .development else { return nil }
        // Only looked for: unlike dataFolder(), nothing is created.
        let workingFolder = URL(filePath: FileManager.default.currentDirectoryPath, directoryHint: .isDirectory)
        let made = URL(filePath: self.dataDirectory, directoryHint: .isDirectory, relativeTo: workingFolder).appending(path: "secret.key")
        guard let data = FileManager.default.contents(atPath: made.path) else { return nil }
        return try ServerSecret(key: try Self.parseKey(data, setting: .secretKey))
    }

    /// The master key and any previous ones, for the document libraries.
    func masterKeys(logger: Logger) throws -> MasterKeyring {
        let current = try MasterKey(key: try self.key(self.masterKey, setting: .masterKey, made: "master.key", logger: logger))
        let previous = try self.previousMasterKeyFiles.map { path in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError(.previousMasterKeyFiles, "cannot read \(path)")
            }
            return try MasterKey(key: try Self.parseKey(data, setting: .previousMasterKeyFiles))
        }
        return MasterKeyring(current: current, previous: previous)
    }

    /// 32 bytes as given, else (development only) from the file `made` in the data folder,
    /// created with a random key on first use.
    func key(_ given: Data?, setting: SettingKey, made name: String, logger: Logger) throws -> [UInt8] {
        if let given { return try Self.parseKey(given, setting: setting) }
        guard self.mode == .development else { throw ConfigurationError(setting, "required in production mode") }
        let made = try self.dataFolder().appending(path: name)
        if let data = FileManager.default.contents(atPath: made.path) {
            return try Self.parseKey(data, setting: setting)
        }
        let key = try ServerSecret.randomKeyText()
        _ = FileManager.default.createFile(atPath: made.path, contents: Data(key.utf8), attributes: [.posixPermissions: 0o600])
        logger.warning("made a new key; keep it safe and the same across restarts", metadata: ["file": "\(made.path)"])
        return try Self.parseKey(Data(key.utf8), setting: setting)
    }

    /// 32 raw bytes, or their base64.
    static func parseKey(_ data: Data, setting: SettingKey) throws -> [UInt8] {
        if data.count == 32 { return [UInt8](data) }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let decoded = Data(base64Encoded: text), decoded.count == 32 else {
            throw ConfigurationError(setting, "must hold 32 bytes, raw or base64")
        }
        return [UInt8](decoded)
    }

    func hashingPool() throws -> PasswordHashingPool {
        try PasswordHashingPool(
            hasher: PasswordHasher(parameters: Argon2Parameters(memoryKiB: UInt32(self.argon2Memory), iterations: UInt32(self.argon2Iterations)))
        )
    }

    func accountsConfiguration(publicURL: String) -> AccountsConfiguration {
        var configuration = AccountsConfiguration()
        configuration.passwordPolicy = PasswordPolicy(minimumLength: self.passwordMinimumLength)
        configuration.publicURL = publicURL
        return configuration
    }
}
