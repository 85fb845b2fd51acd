import HavenCore
import HTTPTypes
import Hummingbird

/// Cross-site request forgery defence for requests that change state:
/// - any such request that carries `Origin` must come from this server's own origin, and any that
///   carries `Sec-Fetch-Site` must be same-origin (or user-initiated), signed in or not (this
///   also stops login CSRF);
/// - a cookie-authenticated one must carry the session's anti-CSRF token in `X-CSRF-Token`.
/// Bearer-authenticated requests carry no ambient credential and need no token. The web
/// interface's forms (under `/web/`) carry the token in their body instead, checked by
/// `WebInterface` before any page handler runs.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = HavenRequestContext
    let accounts: Accounts
    static let tokenHeader = HTTPField.Name.csrfToken

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard ![.get, .head, .options].contains(request.method) else { return try await next(request, context) }
        if let origin = request.headers[.origin] {
            let host = request.head.authority ?? ""
            guard origin == "https://\(host)" || origin == "http://\(host)" else {
                throw Problem(.crossOrigin, detail: "Requests from another site are refused.")
            }
        }
        if let site = request.headers[.secFetchSite], site != "same-origin", site != "none" {
            throw Problem(.crossOrigin, detail: "Requests from another site are refused.")
        }
        if let actor = context.actor, context.authenticatedByCookie, !request.uri.path.hasPrefix("/web/") {
            guard let token = request.headers[Self.tokenHeader], self.accounts.isValidCSRFToken(token, for: actor) else {
                throw Problem(.csrfTokenMissing, detail: "Send the session's anti-CSRF token in X-CSRF-Token.")
            }
        }
        return try await next(request, context)
    }
}
