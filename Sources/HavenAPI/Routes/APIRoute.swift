import Hummingbird

/// One operation of the HTTP API: method, path as the OpenAPI document writes it
/// (`/documents/{id}`), who may call it, and its handler. The router, the OpenAPI consistency
/// test and the authorisation-matrix test all read the same list of these.
public struct APIRoute: Sendable {
    /// Who may call an operation at all; finer decisions belong to HavenCore's access policy.
    public enum Audience: Sendable, Equatable {
        /// Anyone, signed in or not (`security: []` in the OpenAPI document).
        case everyone
        /// Signed-in users only.
        case signedIn
    }

    public typealias Handler = @Sendable (Request, HavenRequestContext) async throws -> Response

    public var method: HTTPRequest.Method
    public var path: String
    public var audience: Audience
    public var handler: Handler

    public init(_ method: HTTPRequest.Method, _ path: String, audience: Audience, handler: @escaping Handler) {
        self.method = method
        self.path = path
        self.audience = audience
        self.handler = handler
    }

    /// `get /healthz`: the method in lower case and the path, as the OpenAPI document keys them.
    public var operationKey: String { "\(self.method.rawValue.lowercased()) \(self.path)" }

    /// The path in Hummingbird's syntax: `{id}` becomes `:id`.
    var routerPath: RouterPath {
        RouterPath(
            self.path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
                segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : String(segment)
            }.joined(separator: "/")
        )
    }
}
