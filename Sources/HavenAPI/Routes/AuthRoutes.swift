import Foundation
import HavenCore
import Hummingbird

/// Sign-in, sign-out, the current session, re-authentication, invitation acceptance and password
/// reset.
enum AuthRoutes {
    struct SignIn: JSONRequest {
        static let fields: Set<String> = ["email", "password", "totp_code", "recovery_code"]
        var email: String
        var password: String
        var totpCode: String?
        var recoveryCode: String?
    }

    struct Reauthenticate: JSONRequest {
        static let fields: Set<String> = ["password", "totp_code", "recovery_code"]
        var password: String
        var totpCode: String?
        var recoveryCode: String?
    }

    struct AcceptInvitation: JSONRequest {
        static let fields: Set<String> = ["token", "display_name", "password"]
        var token: String
        var displayName: String
        var password: String
    }

    struct ResetRequest: JSONRequest {
        static let fields: Set<String> = ["email"]
        var email: String
    }

    struct ResetCompletion: JSONRequest {
        static let fields: Set<String> = ["token", "new_password"]
        var token: String
        var newPassword: String
    }

    /// The session as the client sees it: who, and the anti-CSRF token to send with changes.
    struct SessionBody: Encodable {
        var account: Account
        var sessionId: UUID?
        var csrfToken: String?
        /// On sign-in: true when signing in took back a pending deletion of the account.
        var deletionCancelled: Bool?
    }

    static func routes(accounts: Accounts) -> [APIRoute] {
        [
            APIRoute(.post, "/auth/login", audience: .everyone) { request, context in
                let body = try await request.decodeJSON(SignIn.self, context: context)
                let session = try await accounts.signIn(
                    email: body.email, password: body.password,
                    secondFactor: SecondFactor(totpCode: body.totpCode, recoveryCode: body.recoveryCode),
                    client: client(request, context)
                )
                // A session cookie presented at sign-in is ended: the token always changes.
                if let previous = context.actor { try? await accounts.signOut(previous) }
                var response = JSONBody.snakeCase(SessionBody(
                    account: session.account, sessionId: session.id, csrfToken: session.csrfToken, deletionCancelled: session.deletionCancelled
                ))
                SessionCookie.set(session, lifetime: accounts.configuration.sessionAbsoluteTimeout, on: &response)
                return response
            },
            APIRoute(.post, "/auth/logout", audience: .signedInBeforeSecondFactor(scope: nil)) { _, context in
                try await accounts.signOut(try context.requireActor())
                var response = Response(status: .noContent)
                SessionCookie.clear(on: &response)
                return response
            },
            APIRoute(.get, "/auth/session", audience: .signedInBeforeSecondFactor(scope: .read)) { _, context in
                let actor = try context.requireActor()
                let sessionID = actor.sessionID
                let csrfToken = sessionID.map { accounts.csrfToken(sessionID: $0) }
                let account = try await accounts.account(id: actor.accountID)
                return JSONBody.snakeCase(SessionBody(account: account, sessionId: sessionID, csrfToken: csrfToken))
            },
            APIRoute(.post, "/auth/reauthenticate", audience: .signedInBeforeSecondFactor(scope: nil)) { request, context in
                let body = try await request.decodeJSON(Reauthenticate.self, context: context)
                try await accounts.reauthenticate(
                    try context.requireActor(), password: body.password,
                    secondFactor: SecondFactor(totpCode: body.totpCode, recoveryCode: body.recoveryCode), client: client(request, context)
                )
                return Response(status: .noContent)
            },
            APIRoute(.post, "/invitations/accept", audience: .everyone) { request, context in
                let body = try await request.decodeJSON(AcceptInvitation.self, context: context)
                let session = try await accounts.acceptInvitation(
                    token: body.token, displayName: body.displayName, password: body.password, client: client(request, context)
                )
                var response = JSONBody.snakeCase(
                    SessionBody(account: session.account, sessionId: session.id, csrfToken: session.csrfToken), status: .created
                )
                SessionCookie.set(session, lifetime: accounts.configuration.sessionAbsoluteTimeout, on: &response)
                return response
            },
            APIRoute(.post, "/auth/password-reset", audience: .everyone) { request, context in
                let body = try await request.decodeJSON(ResetRequest.self, context: context)
                try await accounts.requestPasswordReset(email: body.email, client: client(request, context))
                return Response(status: .accepted)
            },
            APIRoute(.post, "/auth/password-reset/complete", audience: .everyone) { request, context in
                let body = try await request.decodeJSON(ResetCompletion.self, context: context)
                try await accounts.completePasswordReset(token: body.token, newPassword: body.newPassword, client: client(request, context))
                return Response(status: .noContent)
            },
        ]
    }

    static func client(_ request: Request, _ context: HavenRequestContext) -> ClientInfo {
        ClientInfo(userAgent: request.headers[.userAgent], address: context.remoteAddress)
    }
}
