import HavenCore
import Hummingbird

/// One operation of the HTTP API: method, path as the OpenAPI document writes it
/// (`/documents/{id}`), who may call it, and its handler. The router, the OpenAPI consistency
/// test and the authorisation-matrix test all read the same list of these.
public struct APIRoute: Sendable {
    /// Who may call an operation at all; finer decisions belong to HavenCore.
    public enum Audience: Sendable, Equatable {
        /// Anyone, signed in or not (`security: []` in the OpenAPI document).
        case everyone
        /// Signed-in users; through an API token only if it has `scope` (nil: sessions only).
        /// Staff must have enrolled their second factor.
        case signedIn(scope: APITokenScope?)
        /// Like `signedIn`, but open to staff who have not enrolled a second factor yet (so they can).
        case signedInBeforeSecondFactor(scope: APITokenScope?)
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
    var routerPath: RouterPath { RouterPath(template: self.path) }
}

extension APIRoute {
    /// Refuses the request unless the caller is in the route's audience.
    func admit(_ context: HavenRequestContext, requireSecondFactorForStaff: Bool) throws {
        let scope: APITokenScope?
        switch self.audience {
        case .everyone:
            return
        case .signedIn(let required):
            scope = required
        case .signedInBeforeSecondFactor(let required):
            scope = required
        }
        let actor = try context.requireActor()
        if case .apiToken(_, let scopes) = actor.credential {
            guard let scope, scopes.contains(scope) else { throw AccountError.forbidden }
        }
        if case .signedIn = self.audience, requireSecondFactorForStaff, actor.role.isStaff, !actor.twoFactorEnabled {
            throw AccountError.secondFactorEnrolmentRequired
        }
    }
}

extension RouterPath {
    /// A path written as the OpenAPI document writes it (`/documents/{id}`) in Hummingbird's
    /// syntax (`/documents/:id`).
    init(template: String) {
        self.init(
            template.split(separator: "/", omittingEmptySubsequences: false).map { segment in
                segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : String(segment)
            }.joined(separator: "/")
        )
    }
}
