#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NIOConcurrencyHelpers

/// A child process started with `posix_spawn`, an empty signal mask and default signal handlers.
///
/// Foundation's `Process` passes on the signal mask of the thread that starts it, and Swift
/// concurrency's threads block most signals: a `pgbench -T 10` started that way never ends
/// (its SIGALRM is blocked), and a server would ignore SIGTERM. This type starts children clean.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    private let exit = NIOLockedValueBox<Int32?>(nil)

    /// Starts `executable` (a path) with `arguments`.
    /// - Parameters:
    ///   - environment: the child's environment; nil passes ours on
    ///   - directory: the child's working folder; nil keeps ours
    ///   - output: a file that receives the child's stdout and stderr (appended); nil discards them
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        directory: String? = nil, output: String? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of ours reaches the child: a socket it inherited would stay open (and a
        // connection we closed would not end) for as long as the child runs.
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        // posix_spawn_file_actions_addchdir_np is not visible to Swift here: coreutils' env changes folder.
        let command = directory.map { ["/usr/bin/env", "--chdir=\($0)", executable] } ?? [executable]
        let argv = (command + arguments).map { strdup($0) } + [nil]
        let environment = environment ?? ProcessInfo.processInfo.environment
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, command[0], &actions, &attributes, argv, envp)
        guard result == 0 else { throw ChildProcessError.spawnFailed(executable: executable, errno: result) }
        self.pid = pid
    }

    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34 and later), which Swift's Glibc
    /// module does not show.
    private static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// Whether the child still runs (it is reaped as soon as it has exited).
    public var isRunning: Bool { self.exitStatus == nil }

    /// The exit status once the child has exited: its exit code, or 128 + the signal that ended it.
    public var exitStatus: Int32? {
        self.exit.withLockedValue { status in
            if let status { return status }
            var raw: Int32 = 0
            guard waitpid(self.pid, &raw, WNOHANG) == self.pid else { return nil }
            let code = raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
            status = code
            return code
        }
    }

    /// Waits for the child to exit and returns `exitStatus`.
    @discardableResult
    public func wait() async -> Int32 {
        while true {
            if let status = self.exitStatus { return status }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits, without suspending, for the child to exit; for short helpers only.
    @discardableResult
    public func waitBlocking() -> Int32 {
        while true {
            if let status = self.exitStatus { return status }
            usleep(5_000)
        }
    }

    /// Sends `signal` (SIGTERM by default) to the child.
    public func signal(_ signal: Int32 = SIGTERM) {
        if self.isRunning { kill(self.pid, signal) }
    }

    /// Runs `executable` to completion and returns its exit status and combined output.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil
    ) async throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appending(path: "child-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let child = try ChildProcess(executable, arguments, environment: environment, directory: directory, output: log)
        let status = await child.wait()
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return (status, output)
    }
}

/// Why a child process could not be started.
public enum ChildProcessError: Error, Sendable, CustomStringConvertible {
    case spawnFailed(executable: String, errno: Int32)

    public var description: String {
        switch self {
        case .spawnFailed(let executable, let code): "could not start \(executable): \(String(cString: strerror(code)))"
        }
    }
}
