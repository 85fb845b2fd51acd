import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// The sample files: real files of every accepted type and of refused ones.
enum DocumentFixtures {
    static let folder = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "Fixtures/documents")

    static func url(_ name: String) -> URL { self.folder.appending(path: name) }

    static func data(_ name: String) throws -> Data { try Data(contentsOf: self.url(name)) }
}

/// Document settings for tests: the smallest chunks, so small files span several.
func smallChunks() -> DocumentsConfiguration {
    var configuration = DocumentsConfiguration()
    configuration.chunkSize = 256 * 1024
    return configuration
}

extension SessionClient {
    /// The cookie and anti-CSRF headers `send` adds, for requests made with the probe directly.
    var authentication: [String: String] {
        var headers: [String: String] = [:]
        if let sessionToken { headers["Cookie"] = "__Host-haven_session=\(sessionToken)" }
        if let csrfToken { headers["X-CSRF-Token"] = csrfToken }
        return headers
    }

    /// Uploads `data` as a raw body, the metadata in the query; curl's `Expect: 100-continue` is off.
    func uploadRaw(_ data: Data, metadata: [String: Any], to path: String = "/documents") async throws -> HTTPProbe.Reply {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: metadata), as: UTF8.self)
        return try await self.probe.send(
            "POST", path + "?metadata=" + Self.percentEncoded(json),
            headers: self.authentication.merging(["Content-Type": "application/octet-stream", "Expect": ""]) { $1 }, body: data
        )
    }

    /// Uploads a file as a multipart form: a `metadata` part (JSON, if given) then the `file` part.
    func uploadForm(file: URL, filename: String? = nil, metadata: [String: Any]?, to path: String = "/documents") async throws -> HTTPProbe.Reply {
        var arguments: [String] = []
        let folder = FileManager.default.temporaryDirectory.appending(path: "form-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        if let metadata {
            let metadataFile = folder.appending(path: "metadata.json")
            try JSONSerialization.data(withJSONObject: metadata).write(to: metadataFile)
            arguments += ["-F", "metadata=<\(metadataFile.path);type=application/json"]
        }
        arguments += ["-F", "file=@\(file.path);filename=\(filename ?? file.lastPathComponent)"]
        return try await self.probe.send("POST", path, headers: self.authentication.merging(["Expect": ""]) { $1 }, extraArguments: arguments)
    }

    /// GETs a path with the session, and extra headers.
    func fetch(_ path: String, headers: [String: String] = [:]) async throws -> HTTPProbe.Reply {
        try await self.probe.send("GET", path, headers: self.authentication.merging(headers) { $1 })
    }

    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// Metadata for the platform library.
func libraryMetadata(_ title: String, language: String = "en", extra: [String: Any] = [:]) -> [String: Any] {
    ["space": "library", "titles": [language: title], "language": language].merging(extra) { $1 }
}

/// A client (Python, over TLS) that GETs a path, reads one mebibyte of the response, stops
/// reading for eight seconds, then reads the rest: to see whether the server streams at the
/// client's pace or buffers what it sends.
struct PausingClient {
    let process: ChildProcess
    let folder: URL

    static let script = """
        import socket, ssl, sys, time
        port, ca, path, token = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
        context = ssl.create_default_context(cafile=ca)
        with socket.create_connection(("127.0.0.1", port)) as raw, context.wrap_socket(raw, server_hostname="localhost") as s:
            s.sendall(f"GET {path} HTTP/1.1\\r\\nHost: localhost\\r\\nAuthorization: Bearer {token}\\r\\nConnection: close\\r\\n\\r\\n".encode())
            received = 0
            while received < 1 << 20:
                received += len(s.recv(16384))
            print("paused", flush=True)
            time.sleep(8)
            while True:
                chunk = s.recv(262144)
                if not chunk:
                    break
                received += len(chunk)
            print("received", received, flush=True)
        """

    /// Starts it against `server` for `path`, as the holder of the session `token`, and returns
    /// once it has paused (or stopped).
    static func start(_ server: TestServer, path: String, token: String?) async throws -> PausingClient {
        let folder = FileManager.default.temporaryDirectory.appending(path: "pausing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let port = try #require(server.baseURL.port)
        let process = try ChildProcess(
            "/usr/bin/python3", ["-c", Self.script, String(port), TestCertificate.files.certificate, path, try #require(token)],
            output: folder.appending(path: "client.log").path
        )
        let client = PausingClient(process: process, folder: folder)
        for _ in 0..<200 where !client.log.contains("paused") && process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        return client
    }

    var log: String { (try? String(contentsOf: self.folder.appending(path: "client.log"), encoding: .utf8)) ?? "" }

    /// Waits for it to finish; the bytes it received (headers and body), or nil if it failed.
    func finish() async -> Int? {
        defer { try? FileManager.default.removeItem(at: self.folder) }
        guard await self.process.wait() == 0 else { return nil }
        return self.log.split(separator: "\n").last { $0.hasPrefix("received") }.flatMap { Int($0.split(separator: " ").last ?? "") }
    }
}

/// What `read` gives once a full second passes without it changing (on a busy machine the socket
/// buffers may take a moment to fill), within about 18 seconds; and whether it settled.
func settled(_ read: () -> Int) async throws -> (value: Int, stable: Bool) {
    var value = read()
    for _ in 0..<12 {
        try await Task.sleep(for: .milliseconds(500))
        let before = value
        try await Task.sleep(for: .milliseconds(1_000))
        value = read()
        if value == before { return (value, true) }
    }
    return (value, false)
}
