import HTTPTypes
import Hummingbird

/// Answers 405 with an `Allow` header when no route matched the request but one serves its path
/// with another method (RFC 9110 §15.5.6); other unmatched requests stay 404.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Each route's path segments (`nil` for a `{parameter}`) and the methods served there.
    private let templates: [(segments: [Substring?], allow: String)]

    init(routes: [APIRoute]) {
        self.templates = Dictionary(grouping: routes, by: \.path).map { path, routes in
            var methods = Set(routes.map(\.method))
            if methods.contains(.get) { methods.insert(.head) }
            let segments = path.split(separator: "/").map { $0.hasPrefix("{") ? nil : $0 }
            return (segments, methods.map(\.rawValue).sorted().joined(separator: ", "))
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && context.endpointPath == "NotFound" {
            let segments = request.uri.path.split(separator: "/")
            // The most specific template wins, as in the router: literal segments over parameters.
            let match = self.templates.filter { Self.matches($0.segments, segments) }
                .min { $0.segments.filter { $0 == nil }.count < $1.segments.filter { $0 == nil }.count }
            guard let match else { throw error }
            var response = Problem(.methodNotAllowed).response(requestID: context.id)
            response.headers[.allow] = match.allow
            return response
        }
    }

    private static func matches(_ template: [Substring?], _ segments: [Substring]) -> Bool {
        template.count == segments.count && zip(template, segments).allSatisfy { $0 == nil || $0 == $1 }
    }
}
