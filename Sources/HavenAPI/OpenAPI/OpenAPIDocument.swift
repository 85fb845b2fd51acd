import Hummingbird

/// The OpenAPI 3.1 document describing Haven's HTTP API (`openapi.yaml` in this folder,
/// embedded at build time and served at `/openapi.yaml`).
public enum OpenAPIDocument {
    /// The document's text.
    public static var text: String {
        EmbeddedFiles.all.first { $0.name == "openapi.yaml" }?.contents ?? ""
    }

    /// One operation the document declares.
    public struct Operation: Sendable, Hashable, CustomStringConvertible {
        public var method: String
        public var path: String
        /// Whether the operation declares `security: []` (callable without signing in).
        public var isPublic: Bool

        /// `get /healthz`, as `APIRoute.operationKey`.
        public var key: String { "\(self.method) \(self.path)" }

        public var description: String { "\(self.method.uppercased()) \(self.path)\(self.isPublic ? " (public)" : "")" }
    }

    /// The operations under `paths:`, read from the document's layout (two-space indentation:
    /// paths at 2, methods at 4, operation keys at 6). Enough to check the document against the
    /// router without a YAML library.
    public static var operations: [Operation] {
        var operations: [Operation] = []
        var inPaths = false
        var path: String?
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
        for line in self.text.split(separator: "\n", omittingEmptySubsequences: false) {
            let indent = line.prefix { $0 == " " }.count
            let content = line.dropFirst(indent)
            if content.isEmpty || content.hasPrefix("#") { continue }
            if indent == 0 {
                inPaths = content.hasPrefix("paths:")
                continue
            }
            guard inPaths else { continue }
            if indent == 2, content.hasSuffix(":") {
                path = String(content.dropLast()).trimmingQuotes
            } else if indent == 4, content.hasSuffix(":"), methods.contains(String(content.dropLast())), let path {
                operations.append(Operation(method: String(content.dropLast()), path: path, isPublic: false))
            } else if indent == 6, content.replacing(" ", with: "") == "security:[]", !operations.isEmpty {
                operations[operations.count - 1].isPublic = true
            }
        }
        return operations
    }

    static var route: APIRoute {
        APIRoute(.get, "/openapi.yaml", audience: .everyone) { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/yaml; charset=utf-8", .cacheControl: "no-cache"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text))
            )
        }
    }
}

extension String {
    var trimmingQuotes: String {
        guard self.count >= 2, let first = self.first, first == self.last, first == "'" || first == "\"" else { return self }
        return String(self.dropFirst().dropLast())
    }
}
