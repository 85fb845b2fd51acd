import Foundation

/// A browser-like client of the web interface for tests: curl with a cookie jar (so `__Host-`
/// cookies behave as in a browser), reading each page's form token from its HTML and sending
/// forms as a browser does (urlencoded, same-origin).
public struct WebClient: Sendable {
    public let probe: HTTPProbe
    let jar: String
    /// Headers sent with every request (e.g. `Accept-Language`).
    public var headers: [String: String]

    public init(probe: HTTPProbe, headers: [String: String] = [:]) {
        self.probe = probe
        self.jar = FileManager.default.temporaryDirectory.appending(path: "web-cookies-\(UUID().uuidString)").path
        self.headers = headers
    }

    /// GETs `path` (no redirect is followed).
    public func get(_ path: String, headers extra: [String: String] = [:]) async throws -> HTTPProbe.Reply {
        try await self.probe.send("GET", path, headers: self.headers.merging(extra) { $1 }, extraArguments: ["-b", self.jar, "-c", self.jar])
    }

    /// POSTs `fields` urlencoded to `path`, with the form token of `page` (the page the form is on)
    /// unless `fields` has its own `_csrf`.
    public func submit(
        _ path: String, _ fields: [(String, String)], from page: HTTPProbe.Reply? = nil, headers extra: [String: String] = [:]
    ) async throws -> HTTPProbe.Reply {
        var fields = fields
        if !fields.contains(where: { $0.0 == "_csrf" }), let token = page.flatMap(Self.formToken) { fields.insert(("_csrf", token), at: 0) }
        let body = fields.map { Self.encode($0.0) + "=" + Self.encode($0.1) }.joined(separator: "&")
        var headers = self.headers.merging(extra) { $1 }
        if headers["Content-Type"] == nil { headers["Content-Type"] = "application/x-www-form-urlencoded" }
        if headers["Origin"] == nil, let host = self.probe.baseURL.host(), let port = self.probe.baseURL.port {
            headers["Origin"] = "https://\(host):\(port)"
        }
        return try await self.probe.send("POST", path, headers: headers, body: Data(body.utf8), extraArguments: ["-b", self.jar, "-c", self.jar])
    }

    /// POSTs a multipart form as a browser sends a file upload: the text `fields` in order (sent
    /// as they are, never read as file references), then the `file` part (field name, file name
    /// and bytes) last, with the cookie jar and a same-origin `Origin`. The form token goes in the
    /// action's query, as the upload forms do: pass `path` with `?_csrf=…` (see `formToken`).
    public func upload(
        _ path: String, fields: [(String, String)], file: (field: String, filename: String, data: Data)?, headers extra: [String: String] = [:]
    ) async throws -> HTTPProbe.Reply {
        let folder = FileManager.default.temporaryDirectory.appending(path: "web-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var arguments: [String] = []
        for (name, value) in fields { arguments += ["--form-string", "\(name)=\(value)"] }
        if let file {
            let stored = folder.appending(path: "upload")
            try file.data.write(to: stored)
            arguments += ["-F", "\(file.field)=@\(stored.path);filename=\(file.filename)"]
        }
        var headers = self.headers.merging(extra) { $1 }
        headers["Expect"] = ""
        if headers["Origin"] == nil, let host = self.probe.baseURL.host(), let port = self.probe.baseURL.port {
            headers["Origin"] = "https://\(host):\(port)"
        }
        return try await self.probe.send("POST", path, headers: headers, extraArguments: arguments + ["-b", self.jar, "-c", self.jar])
    }

    /// Opens `page` and submits its form: GET then POST, as a person would.
    public func fill(_ pagePath: String, submitTo path: String, _ fields: [(String, String)]) async throws -> HTTPProbe.Reply {
        let page = try await self.get(pagePath)
        return try await self.submit(path, fields, from: page)
    }

    /// The value of the first `_csrf` hidden field in a page.
    public static func formToken(in page: HTTPProbe.Reply) -> String? {
        self.attribute("value", ofFirst: "name=\"_csrf\"", in: page.text)
    }

    /// The value of `attribute` in the first tag containing `marker`.
    public static func attribute(_ attribute: String, ofFirst marker: String, in html: String) -> String? {
        guard let range = html.range(of: marker) else { return nil }
        let tagStart = html[..<range.lowerBound].lastIndex(of: "<") ?? range.lowerBound
        let tagEnd = html[range.upperBound...].firstIndex(of: ">") ?? html.endIndex
        let tag = html[tagStart..<tagEnd]
        guard let start = tag.range(of: "\(attribute)=\"") else { return nil }
        let value = tag[start.upperBound...].prefix { $0 != "\"" }
        return String(value).replacing("&amp;", with: "&").replacing("&quot;", with: "\"").replacing("&#39;", with: "'")
            .replacing("&lt;", with: "<").replacing("&gt;", with: ">")
    }

    /// The value of a cookie in the jar, if set.
    public func cookie(_ name: String) -> String? {
        let text = (try? String(contentsOfFile: self.jar, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            if columns.count >= 7, columns[5] == name { return String(columns[6]) }
        }
        return nil
    }

    static func encode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "").replacing("%20", with: "+")
    }
}
