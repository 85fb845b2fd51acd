import Foundation
import HavenCore
import HTTPTypes
import Hummingbird
import Logging

/// Finds the caller from the `__Host-haven_session` cookie or an `Authorization: Bearer` token
/// (a session token or a personal API token). A missing or unknown credential leaves the caller
/// anonymous; routes that need one refuse it.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = HavenRequestContext
    let accounts: Accounts

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            let token = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
            if !token.isEmpty, token.count <= 200, let actor = try await self.accounts.authenticate(token: token) {
                context.actor = actor
            }
        } else if let cookie = request.cookies[SessionCookie.name]?.value, !cookie.isEmpty, cookie.count <= 200,
            let actor = try await self.accounts.authenticate(token: cookie)
        {
            context.actor = actor
            context.authenticatedByCookie = true
        }
        if let actor = context.actor {
            context.logger[metadataKey: "actor"] = "\(actor.accountID)"
            context.caller.accountID = actor.accountID
        }
        return try await next(request, context)
    }
}
