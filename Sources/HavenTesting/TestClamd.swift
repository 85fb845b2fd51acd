import Foundation
import HavenCore
import NIOCore
import PostgresClient

/// A real clamd from Debian's clamav-daemon for tests, with one local signature (for the EICAR
/// test string: no signatures can be downloaded here), listening on a socket in a folder of its own.
public final class TestClamd: Sendable {
    /// Where the Debian package puts the daemon.
    public static let executable = "/usr/sbin/clamd"
    /// Whether clamd is installed; tests that need it are skipped, saying so, when it is not.
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: Self.executable) }
    /// The EICAR anti-virus test file: harmless text every scanner treats as a virus.
    public static let eicar = #"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"#

    public let scanner: VirusScanner
    let folder: URL
    let process: ChildProcess

    private init(folder: URL, process: ChildProcess, socket: String) {
        self.folder = folder
        self.process = process
        self.scanner = VirusScanner(address: .unixSocket(socket))
    }

    /// Starts clamd and waits until it answers a scan.
    public static func start() async throws -> TestClamd {
        let folder = FileManager.default.temporaryDirectory.appending(path: "clamd-\(UUID().uuidString)")
        let database = folder.appending(path: "db")
        try FileManager.default.createDirectory(at: database, withIntermediateDirectories: true)
        let signature = Array("EICAR-STANDARD-ANTIVIRUS-TEST-FILE".utf8).map { String(format: "%02x", $0) }.joined()
        try "Haven.Test.EICAR:0:*:\(signature)\n".write(to: database.appending(path: "haven-test.ndb"), atomically: true, encoding: .utf8)
        let socket = folder.appending(path: "clamd.sock").path
        let configuration = """
            LocalSocket \(socket)
            DatabaseDirectory \(database.path)
            TemporaryDirectory \(folder.path)
            Foreground yes
            StreamMaxLength 200M
            MaxThreads 4
            """
        let file = folder.appending(path: "clamd.conf")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        let process = try ChildProcess(Self.executable, ["--config-file=\(file.path)"], output: folder.appending(path: "clamd.log").path)
        let clamd = TestClamd(folder: folder, process: process, socket: socket)
        for _ in 0..<600 {
            if FileManager.default.fileExists(atPath: socket), (try? await clamd.scanner.scan { try await $0(ByteBuffer(string: "ping")) }) == .clean {
                return clamd
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        clamd.stop()
        let log = (try? String(contentsOf: folder.appending(path: "clamd.log"), encoding: .utf8)) ?? ""
        throw Failure.didNotStart(log: log)
    }

    public enum Failure: Error, CustomStringConvertible {
        case didNotStart(log: String)

        public var description: String {
            switch self {
            case .didNotStart(let log): "clamd did not start answering; its log:\n\(log)"
            }
        }
    }

    public func stop() {
        self.process.signal(SIGTERM)
        _ = self.process.waitBlocking()
        try? FileManager.default.removeItem(at: self.folder)
    }
}
