import Foundation
import Logging
import OpenSSLTLS
import PostgresClient

extension HavenConfiguration {
    /// A database ready to connect to; `stop()` stops the embedded server if this process started it.
    struct Database {
        let configuration: PostgresConfiguration
        let embedded: EmbeddedPostgres?
        let startedEmbedded: Bool

        func stop() async {
            if self.startedEmbedded { try? await self.embedded?.stop() }
        }
    }

    func makeLogger(label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = self.logLevel
        return logger
    }

    /// Opens the database, runs `body` with a pool of `poolSize` connections, then closes the pool
    /// and stops the embedded server if this process started it, whatever `body` does. Errors come
    /// out as their description, for the command line.
    func withPool<Result>(size poolSize: Int, logger: Logger, _ body: (PostgresPool) async throws -> Result) async throws -> Result {
        let database = try await self.open(logger: logger)
        let pool = try PostgresPool(configuration: .init(connection: database.configuration, maximumConnections: poolSize), logger: logger)
        do {
            let result = try await body(pool)
            await pool.shutdown()
            await database.stop()
            return result
        } catch {
            await pool.shutdown()
            await database.stop()
            throw ValidationFailure(error)
        }
    }

    func open(logger: Logger) async throws -> Database {
        if let url = self.databaseURL {
            var configuration = try PostgresConfiguration(url: url)
            if let password = self.databasePassword { configuration.set("password", to: password) }
            return Database(configuration: configuration, embedded: nil, startedEmbedded: false)
        }
        let embedded = EmbeddedPostgres(directory: try self.embeddedClusterFolder())
        let started = try await embedded.start(logger: logger)
        return try await Database(configuration: embedded.configuration(database: "haven"), embedded: embedded, startedEmbedded: started)
            .creatingDatabase(logger: logger)
    }

    /// The data folder as an absolute URL, created if needed.
    func dataFolder() throws -> URL {
        let workingFolder = URL(filePath: FileManager.default.currentDirectoryPath, directoryHint: .isDirectory)
        let folder = URL(filePath: self.dataDirectory, directoryHint: .isDirectory, relativeTo: workingFolder).standardizedFileURL
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// `<data-dir>/postgres`, unless we are root and the `postgres` user could not reach it (a
    /// checkout under /root): then a folder of its own under /var/tmp, named after the data folder.
    func embeddedClusterFolder() throws -> URL {
        let dataFolder = try self.dataFolder()
        guard geteuid() == 0, !Self.othersCanTraverse(dataFolder) else {
            return dataFolder.appending(path: "postgres")
        }
        let digest = SHA256.hash(Array(dataFolder.path.utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
        return URL(filePath: "/var/tmp/haven-\(digest)/postgres")
    }

    /// Whether every folder from the root down to `folder` lets other users through.
    static func othersCanTraverse(_ folder: URL) -> Bool {
        var path = folder.path
        while !path.isEmpty && path != "/" {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let mode = attributes[.posixPermissions] as? Int, mode & 0o001 != 0
            else { return false }
            path = (path as NSString).deletingLastPathComponent
        }
        return true
    }
}

extension HavenConfiguration.Database {
    /// The embedded server starts with only the `postgres` database: create `haven` once.
    func creatingDatabase(logger: Logger) async throws -> Self {
        guard let embedded else { return self }
        let pool = try PostgresPool(configuration: .init(connection: embedded.configuration(), maximumConnections: 1), logger: logger)
        do {
            try await pool.execute("CREATE DATABASE haven")
            logger.info("created database haven in the embedded server")
        } catch let error as PostgresError where error.sqlState == .duplicateDatabase {
            // Already there.
        } catch {
            await pool.shutdown()
            throw error
        }
        await pool.shutdown()
        return self
    }
}
