import ArgumentParser
import Foundation
import HavenCore
import HavenSchema
import PostgresClient

/// `haven admin rotate-master-key`: re-wraps every document data key under the configured
/// master key, unwrapping with the previous ones given.
struct AdminRotateMasterKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-master-key",
        abstract: "Re-wrap documents' data keys under the current master key (--master-key-file), reading them with --previous-master-key-file.",
        discussion: """
            Run it with the new key as --master-key-file (or $HAVEN_MASTER_KEY) and each old key as
            --previous-master-key-file. Servers keep reading documents during the rotation if they too
            are given the old key as a previous one; once this command has finished, the old key can go.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var secrets: SecretOptions

    func run() async throws {
        let configuration = try await self.database.configuration(self.secrets)
        let logger = configuration.makeLogger(label: "haven.admin")
        try await configuration.withPool(size: 2, logger: logger) { pool in
            try await HavenSchema.migrator().verify(on: pool)
            let keys = try configuration.masterKeys(logger: logger)
            let documents = Documents(pool: pool, keys: keys, forums: Forums(pool: pool), logger: logger)
            let count = try await documents.rotateMasterKey { done, total in
                ProgressBar.draw(done: done, total: total, label: "data keys")
            }
            FileHandle.standardError.write(Data("\n".utf8))
            // The installation now runs with the new key: instances given only the old one refuse to start.
            try await InstallationKeys.verify(secret: try configuration.serverSecret(logger: logger), keys: keys, pool: pool)
            print("Re-wrapped \(count) data keys under master key \(keys.current.id).")
        }
    }
}
