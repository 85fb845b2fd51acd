import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A minimal real HTTP client for tests: URLSession (libcurl underneath on Linux), no caching,
/// no cookies kept between calls.
public struct HTTPProbe: Sendable {
    public struct Reply: Sendable {
        public let status: Int
        public let headers: [String: String]
        public let body: Data

        public var text: String { String(decoding: self.body, as: UTF8.self) }

        /// A header by case-insensitive name.
        public func header(_ name: String) -> String? {
            self.headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        /// The body decoded as a JSON object.
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: self.body)) as? [String: Any] ?? [:]
        }
    }

    public let baseURL: URL

    public init(baseURL: URL) { self.baseURL = baseURL }

    public func send(
        _ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: path, relativeTo: self.baseURL)!)
        request.httpMethod = method
        request.httpBody = body
        request.cachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name] = value }
        }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }

    public func get(_ path: String, headers: [String: String] = [:]) async throws -> Reply {
        try await self.send("GET", path, headers: headers)
    }
}
