import HTTPTypes
import Hummingbird

/// Adds headers every response carries: no MIME sniffing, no framing, no referrer (pages: none
/// beyond the site, set by the web interface), no caching of
/// private data, and a Content-Security-Policy that forbids everything an API response never needs;
/// over HTTPS, HSTS too.
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Whether to send `Strict-Transport-Security` (only ever over HTTPS).
    let strictTransportSecurity: Bool

    public init(strictTransportSecurity: Bool) {
        self.strictTransportSecurity = strictTransportSecurity
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        if response.headers[.referrerPolicy] == nil {
            response.headers[.referrerPolicy] = "no-referrer"
        }
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = "default-src 'none'; frame-ancestors 'none'"
        }
        if response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = "no-store"
        }
        response.headers[.crossOriginResourcePolicy] = "same-origin"
        if self.strictTransportSecurity {
            // Two years, as Mozilla's guidelines recommend.
            response.headers[.strictTransportSecurity] = "max-age=63072000; includeSubDomains"
        }
        return response
    }
}
