import Foundation
import PostgresClient

/// A real SMTP server for tests: Python's aiosmtpd (from .haven/venv, made by
/// `scripts/python-tools`) on 127.0.0.1, run by `scripts/test-smtp-server`. It parses each
/// message it receives with Python's email package and keeps it as JSON, for tests to read.
public final class TestSMTPServer: Sendable {
    /// A message as the server received and parsed it.
    public struct Received: Decodable, Sendable {
        public let mail_from: String
        public let rcpt_tos: [String]
        public let mail_options: [String]
        public let tls: Bool
        public let authenticated: Bool
        public let headers: [String: String]
        public let raw: String
        public let parts: [String: String]
    }

    public let port: Int
    let folder: URL
    let process: ChildProcess
    let log: URL

    static var root: URL { PythonTools.root }

    private init(port: Int, folder: URL, process: ChildProcess, log: URL) {
        self.log = log
        self.port = port
        self.folder = folder
        self.process = process
    }

    /// Starts a server on `port` (a free one by default) that keeps messages in `folder` (a new
    /// one by default: pass the folder of a stopped server to carry on where it left off).
    /// - Parameters:
    ///   - startTLS: offer and require STARTTLS with the test certificate
    ///   - credentials: require AUTH with these (only over TLS)
    ///   - refusal: answer every recipient with this reply (e.g. "550 5.1.1 no such user")
    ///   - dataDelay: wait this long before accepting each message's data (see `hasStartedData`)
    public static func start(
        port: Int? = nil, folder: URL? = nil, startTLS: Bool = false, credentials: (user: String, password: String)? = nil, refusal: String? = nil,
        dataDelay: Duration? = nil
    ) async throws -> TestSMTPServer {
        guard let python = PythonTools.python else { throw Failure.notInstalled }
        let port = try port ?? FreePort.find()
        let folder = folder ?? FileManager.default.temporaryDirectory.appending(path: "smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let log = folder.appending(path: "server-\(port).log")
        var arguments = [Self.root.appending(path: "scripts/test-smtp-server").path, "--port", String(port), "--folder", folder.appending(path: "messages").path]
        if startTLS { arguments += ["--cert", TestCertificate.files.certificate, "--key", TestCertificate.files.key] }
        if let credentials { arguments += ["--user", credentials.user, "--password", credentials.password] }
        if let refusal { arguments += ["--refuse", refusal] }
        if let dataDelay { arguments += ["--data-delay", String(Double(dataDelay.components.seconds) + Double(dataDelay.components.attoseconds) / 1e18)] }
        let process = try ChildProcess(python, ["-u"] + arguments, output: log.path)
        for _ in 0..<200 {
            if let output = try? String(contentsOf: log, encoding: .utf8), output.contains("ready") {
                return TestSMTPServer(port: port, folder: folder, process: process, log: log)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.signal(SIGKILL)
        throw Failure.didNotStart(log: (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    public enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case didNotStart(log: String)

        public var description: String {
            switch self {
            case .notInstalled: "aiosmtpd is not installed: run scripts/python-tools (make test does)"
            case .didNotStart(let log): "the test SMTP server did not start; its output:\n\(log)"
            }
        }
    }

    /// Whether a client has sent DATA and the server is taking its time (with `dataDelay`).
    public var hasStartedData: Bool {
        ((try? String(contentsOf: self.log, encoding: .utf8)) ?? "").split(separator: "\n").contains("data")
    }

    /// The messages received so far, oldest first.
    public func received() throws -> [Received] {
        let messages = self.folder.appending(path: "messages")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: messages.path)) ?? []).filter { $0.hasSuffix(".json") }
        return try names.sorted { Self.order($0) < Self.order($1) }.map { name in
            try JSONDecoder().decode(Received.self, from: Data(contentsOf: messages.appending(path: name)))
        }
    }

    /// Waits up to `timeout` for at least `count` messages.
    public func waitForMessages(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let messages = try self.received()
            if messages.count >= count { return messages }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try self.received()
    }

    /// The folder it keeps messages in, to start another server on.
    public var storage: URL { self.folder }

    static func order(_ name: String) -> (Int, Int) {
        let parts = name.dropLast(5).split(separator: "-").compactMap { Int($0) }
        return (parts.first ?? 0, parts.last ?? 0)
    }

    /// Stops the server; `removingMessages: false` keeps its folder for a successor.
    public func stop(removingMessages: Bool = true) {
        self.process.signal(SIGKILL)
        _ = self.process.waitBlocking()
        if removingMessages { try? FileManager.default.removeItem(at: self.folder) }
    }
}
