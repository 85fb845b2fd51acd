import Foundation
import PostgresClient

/// A real HTTP client for tests: curl, run once per request, trusting the given CA file.
public struct HTTPProbe: Sendable {
    public struct Reply: Sendable {
        public let status: Int
        /// Header names in lower case.
        public let headers: [String: String]
        public let body: Data

        public var text: String { String(decoding: self.body, as: UTF8.self) }

        /// A header by case-insensitive name.
        public func header(_ name: String) -> String? { self.headers[name.lowercased()] }

        /// The body decoded as a JSON object.
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: self.body)) as? [String: Any] ?? [:]
        }
    }

    public let baseURL: URL
    /// PEM file of the CA to trust (the test certificate); nil for plain HTTP.
    public let caFile: String?

    public init(baseURL: URL, trusting caFile: String? = nil) {
        self.baseURL = baseURL
        self.caFile = caFile
    }

    /// Sends one request; `body` is sent as is (`--data-binary`).
    public func send(
        _ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil, extraArguments: [String] = []
    ) async throws -> Reply {
        let folder = FileManager.default.temporaryDirectory.appending(path: "probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let headerFile = folder.appending(path: "headers").path
        let bodyFile = folder.appending(path: "body").path
        var arguments = ["-sS", "--http1.1", "-X", method, "-D", headerFile, "-o", bodyFile, "--max-time", "60"]
        if let caFile { arguments += ["--cacert", caFile] }
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        if let body {
            let requestFile = folder.appending(path: "request").path
            try body.write(to: URL(filePath: requestFile))
            arguments += ["--data-binary", "@\(requestFile)"]
        } else if method == "HEAD" {
            arguments += ["--head"]
        }
        arguments += extraArguments
        guard let url = URL(string: path, relativeTo: self.baseURL)?.absoluteString else { throw ProbeError.badPath(path) }
        arguments.append(url)
        let (status, output) = try await ChildProcess.run("/usr/bin/curl", arguments)
        guard status == 0 else { throw ProbeError.curlFailed(status: status, output: output) }
        let rawHeaders = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        // With 1xx interim responses, the last block is the final response.
        let block = rawHeaders.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }.last ?? ""
        var lines = block.components(separatedBy: "\r\n")
        let statusLine = lines.isEmpty ? "" : lines.removeFirst()
        let code = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        var fields: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let data = FileManager.default.contents(atPath: bodyFile) ?? Data()
        return Reply(status: code, headers: fields, body: data)
    }

    public func get(_ path: String, headers: [String: String] = [:]) async throws -> Reply {
        try await self.send("GET", path, headers: headers)
    }
}

public enum ProbeError: Error, CustomStringConvertible {
    case badPath(String)
    case curlFailed(status: Int32, output: String)

    public var description: String {
        switch self {
        case .badPath(let path): "not a URL path: \(path)"
        case .curlFailed(let status, let output): "curl exited with \(status): \(output)"
        }
    }
}
