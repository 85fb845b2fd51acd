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
