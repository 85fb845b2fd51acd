import CLibPQ
import Foundation
import Logging

/// A PostgreSQL server of its own for development and tests, kept in one folder: `data/` (the
/// cluster), `socket/` (its Unix socket), `postgres.log`, and `password` (for TCP clients).
///
/// `start()` runs `initdb` the first time, then starts the server bound to the socket (and to
/// 127.0.0.1 when a TCP port is asked for) and waits until it accepts connections; `stop()`
/// stops it by the PID in `postmaster.pid`. As root, the server runs as the `postgres` system
/// user (initdb and postgres refuse root), so the folder must be one that user can reach.
public struct EmbeddedPostgres: Sendable {
    public let directory: URL
    /// Port number: names the Unix socket, and is the TCP port when `listenOnTCP` is set.
    public let port: Int
    /// Also listen on 127.0.0.1:`port`, with password authentication.
    public let listenOnTCP: Bool
    /// Extra server settings (`-c name=value`), e.g. `fsync=off` for tests.
    public let settings: [String: String]
    /// The superuser that initdb creates.
    public let superuser = "postgres"

    public init(directory: URL, port: Int = 5432, listenOnTCP: Bool = false, settings: [String: String] = [:]) {
        self.directory = directory.standardizedFileURL
        self.port = port
        self.listenOnTCP = listenOnTCP
        self.settings = settings
    }

    public var dataDirectory: URL { self.directory.appending(path: "data") }
    public var socketDirectory: URL { self.directory.appending(path: "socket") }
    public var logFile: URL { self.directory.appending(path: "postgres.log") }
    var passwordFile: URL { self.directory.appending(path: "password") }

    /// How to reach `database` through the Unix socket.
    public func configuration(database: String = "postgres") -> PostgresConfiguration {
        .unixSocket(directory: self.socketDirectory.path, port: self.port, user: self.superuser, database: database)
    }

    /// A `postgresql://` URL reaching `database` over TCP (requires `listenOnTCP`).
    public func tcpURL(database: String = "postgres") throws -> String {
        let password = try String(contentsOf: self.passwordFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return "postgresql://\(self.superuser):\(password)@127.0.0.1:\(self.port)/\(database)?sslmode=disable"
    }

    /// The server's PID if it is running (per `postmaster.pid` and a signal probe).
    public var runningPID: Int32? {
        guard let text = try? String(contentsOf: self.dataDirectory.appending(path: "postmaster.pid"), encoding: .utf8),
            let first = text.split(separator: "\n").first, let pid = Int32(first), pid > 0
        else { return nil }
        return kill(pid, 0) == 0 || errno == EPERM ? pid : nil
    }

    /// Whether the server accepts connections.
    public var isAccepting: Bool {
        self.configuration().withLibPQParameters { keywords, values in PQpingParams(keywords, values, 0) } == PQPING_OK
    }

    /// Creates the cluster if needed and starts the server, unless it already runs.
    /// - Returns: true when this call started the server (and so should stop it).
    @discardableResult
    public func start(logger: Logger = Logger(label: "postgres.embedded")) async throws -> Bool {
        if self.runningPID != nil, self.isAccepting {
            logger.info("embedded PostgreSQL already running", metadata: ["directory": "\(self.directory.path)"])
            return false
        }
        let binaries = try await Self.findBinaries()
        try await self.prepareDirectories()
        if !FileManager.default.fileExists(atPath: self.dataDirectory.appending(path: "PG_VERSION").path) {
            logger.info("creating an embedded PostgreSQL cluster", metadata: ["directory": "\(self.dataDirectory.path)"])
            try await self.initdb(binaries: binaries)
        }
        var arguments = [
            "-D", self.dataDirectory.path,
            "-k", self.socketDirectory.path,
            "-p", String(self.port),
            "-c", "listen_addresses=\(self.listenOnTCP ? "127.0.0.1" : "")",
            "-c", "unix_socket_permissions=0700",
        ]
        for (name, value) in self.settings.sorted(by: { $0.key < $1.key }) {
            arguments += ["-c", "\(name)=\(value)"]
        }
        let process = try self.spawn(binaries.appending(path: "postgres"), arguments)

        let deadline = ContinuousClock.now + .seconds(60)
        while !self.isAccepting {
            guard process.isRunning else {
                throw EmbeddedPostgresError.serverFailed(log: self.logTail())
            }
            guard ContinuousClock.now < deadline else {
                throw EmbeddedPostgresError.timedOut(log: self.logTail())
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        logger.info("embedded PostgreSQL started", metadata: ["socket": "\(self.socketDirectory.path)", "port": "\(self.port)"])
        return true
    }

    /// Stops the server (fast shutdown: sessions are ended, then a clean checkpoint) and waits
    /// until it has exited.
    public func stop() async throws {
        guard let pid = self.runningPID else { return }
        kill(pid, SIGINT)
        let deadline = ContinuousClock.now + .seconds(30)
        while self.runningPID != nil {
            if ContinuousClock.now > deadline {
                kill(pid, SIGQUIT)
                throw EmbeddedPostgresError.timedOut(log: self.logTail())
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        // If this process started the server, collect its exit status so no zombie is left
        // (waitpid fails at once with ECHILD for a server someone else started).
        while waitpid(pid, nil, WNOHANG) == 0 {
            if ContinuousClock.now > deadline { break }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    // MARK: Setup

    private func prepareDirectories() async throws {
        let manager = FileManager.default
        for folder in [self.directory, self.socketDirectory] {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        if !manager.fileExists(atPath: self.logFile.path) {
            _ = manager.createFile(atPath: self.logFile.path, contents: nil)
        }
        try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: self.directory.path)
        try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: self.socketDirectory.path)
        if let owner = Self.serverUser {
            // The server's user must own its folders; the folder's parents must let it through.
            let chown = try await ChildProcess.run("/bin/chown", ["-R", "\(owner):\(owner)", self.directory.path])
            guard chown.status == 0 else {
                throw EmbeddedPostgresError.setupFailed("chown of \(self.directory.path) to \(owner) failed: \(chown.output)")
            }
            let probe = try await ChildProcess.run(
                "/usr/bin/setpriv",
                ["--reuid=\(owner)", "--regid=\(owner)", "--init-groups", "--", "/usr/bin/test", "-w", self.directory.path]
            )
            guard probe.status == 0 else {
                throw EmbeddedPostgresError.setupFailed(
                    "the \(owner) user cannot reach \(self.directory.path); use a folder whose parents it may enter, such as one under /var/tmp"
                )
            }
        }
    }

    private func initdb(binaries: URL) async throws {
        let password = (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        _ = FileManager.default.createFile(
            atPath: self.passwordFile.path, contents: Data(password.utf8), attributes: [.posixPermissions: 0o600]
        )
        if let owner = Self.serverUser {
            _ = try await ChildProcess.run("/bin/chown", ["\(owner):\(owner)", self.passwordFile.path])
        }
        let process = try self.spawn(
            binaries.appending(path: "initdb"),
            [
                "-D", self.dataDirectory.path, "-U", self.superuser, "--pwfile", self.passwordFile.path,
                "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8",
                "--no-sync",
            ]
        )
        guard await process.wait() == 0 else {
            throw EmbeddedPostgresError.initdbFailed(log: self.logTail())
        }
    }

    /// Starts a server binary with its output appended to the log, as the `postgres` user when we
    /// are root (`setpriv` execs, so the PID is the server's own).
    private func spawn(_ executable: URL, _ arguments: [String]) throws -> ChildProcess {
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C.UTF-8"
        environment.removeValue(forKey: "PGDATA")
        if let user = Self.serverUser {
            return try ChildProcess(
                "/usr/bin/setpriv",
                ["--reuid=\(user)", "--regid=\(user)", "--init-groups", "--", executable.path] + arguments,
                environment: environment, directory: self.directory.path, output: self.logFile.path
            )
        }
        return try ChildProcess(
            executable.path, arguments, environment: environment, directory: self.directory.path, output: self.logFile.path
        )
    }

    func logTail() -> String {
        guard let text = try? String(contentsOf: self.logFile, encoding: .utf8) else { return "" }
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    /// The user the server runs as: `postgres` when we are root, else nil (ourselves).
    static var serverUser: String? { geteuid() == 0 ? "postgres" : nil }

    /// The folder holding `initdb` and `postgres`: `pg_config --bindir`, else the newest
    /// /usr/lib/postgresql/*/bin.
    public static func findBinaries() async throws -> URL {
        let manager = FileManager.default
        var candidates: [URL] = []
        if let bindir = await Self.pgConfigBindir() { candidates.append(URL(filePath: bindir)) }
        let versions = (try? manager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            candidates.append(URL(filePath: "/usr/lib/postgresql/\(version)/bin"))
        }
        for candidate in candidates
        where manager.isExecutableFile(atPath: candidate.appending(path: "initdb").path)
            && manager.isExecutableFile(atPath: candidate.appending(path: "postgres").path)
        {
            return candidate
        }
        throw EmbeddedPostgresError.binariesNotFound(searched: candidates.map(\.path))
    }

    private static func pgConfigBindir() async -> String? {
        guard let result = try? await ChildProcess.run("/usr/bin/env", ["pg_config", "--bindir"]), result.status == 0 else {
            return nil
        }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
