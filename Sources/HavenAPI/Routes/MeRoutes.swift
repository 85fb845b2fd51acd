import Foundation
import HavenCore
import Hummingbird

/// The signed-in user's own account: profile, password, email, sessions, second factor, tokens.
enum MeRoutes {
    struct Profile: JSONRequest {
        static let fields: Set<String> = ["display_name", "directory_visible", "language"]
        var displayName: String?
        var directoryVisible: Bool?
        var language: String?
    }

    struct PasswordChange: JSONRequest {
        static let fields: Set<String> = ["current_password", "new_password"]
        var currentPassword: String
        var newPassword: String
    }

    struct EmailChange: JSONRequest {
        static let fields: Set<String> = ["email"]
        var email: String
    }

    struct TOTPConfirmation: JSONRequest {
        static let fields: Set<String> = ["code"]
        var code: String
    }

    struct TOTPRemoval: JSONRequest {
        static let fields: Set<String> = ["password", "totp_code", "recovery_code"]
        var password: String
        var totpCode: String?
        var recoveryCode: String?
    }

    /// Asking for one's own account to be deleted: the password (and second factor) again, and
    /// what becomes of one's posts where the installation lets members choose.
    struct DeletionRequest: JSONRequest {
        static let fields: Set<String> = ["password", "totp_code", "recovery_code", "posts"]
        var password: String
        var totpCode: String?
        var recoveryCode: String?
        var posts: DeletedPosts?
    }

    struct TokenRequest: JSONRequest {
        static let fields: Set<String> = ["name", "scopes", "expires_in_days"]
        var name: String
        var scopes: [APITokenScope]
        var expiresInDays: Int
    }

    struct CreatedToken: Encodable {
        var token: APIToken
        var secret: String
    }

    struct RecoveryCodes: Encodable {
        var recoveryCodes: [String]
    }

    static func routes(accounts: Accounts) -> [APIRoute] {
        [
            APIRoute(.get, "/me", audience: .signedInBeforeSecondFactor(scope: .read)) { _, context in
                JSONBody.snakeCase(try await accounts.account(id: try context.requireActor().accountID))
            },
            APIRoute(.patch, "/me", audience: .signedIn(scope: .write)) { request, context in
                let body = try await request.decodeJSON(Profile.self, context: context)
                let actor = try context.requireActor()
                if let visible = body.directoryVisible { try await accounts.setDirectoryVisibility(visible, for: actor) }
                if let language = body.language { try await accounts.setLanguage(language, for: actor) }
                if let name = body.displayName { return JSONBody.snakeCase(try await accounts.updateProfile(actor, displayName: name)) }
                return JSONBody.snakeCase(try await accounts.account(id: actor.accountID))
            },
            APIRoute(.post, "/me/password", audience: .signedIn(scope: nil)) { request, context in
                let body = try await request.decodeJSON(PasswordChange.self, context: context)
                try await accounts.changePassword(
                    try context.requireActor(), current: body.currentPassword, new: body.newPassword,
                    client: AuthRoutes.client(request, context)
                )
                return Response(status: .noContent)
            },
            APIRoute(.post, "/me/email", audience: .signedIn(scope: nil)) { request, context in
                let body = try await request.decodeJSON(EmailChange.self, context: context)
                try await accounts.changeEmail(try context.requireActor(), to: body.email)
                return Response(status: .noContent)
            },
            APIRoute(.get, "/me/sessions", audience: .signedIn(scope: nil)) { _, context in
                JSONBody.snakeCase(try await accounts.sessions(of: try context.requireActor()))
            },
            APIRoute(.delete, "/me/sessions", audience: .signedIn(scope: nil)) { _, context in
                try await accounts.revokeOtherSessions(of: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.delete, "/me/sessions/{id}", audience: .signedIn(scope: nil)) { _, context in
                try await accounts.revokeSession(try context.parameters.require("id", as: UUID.self), of: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.post, "/me/two-factor", audience: .signedInBeforeSecondFactor(scope: nil)) { _, context in
                JSONBody.snakeCase(try await accounts.beginTOTPEnrolment(try context.requireActor()), status: .created)
            },
            APIRoute(.post, "/me/two-factor/confirm", audience: .signedInBeforeSecondFactor(scope: nil)) { request, context in
                let body = try await request.decodeJSON(TOTPConfirmation.self, context: context)
                let codes = try await accounts.confirmTOTP(try context.requireActor(), code: body.code, client: AuthRoutes.client(request, context))
                return JSONBody.snakeCase(RecoveryCodes(recoveryCodes: codes))
            },
            APIRoute(.delete, "/me/two-factor", audience: .signedIn(scope: nil)) { request, context in
                let body = try await request.decodeJSON(TOTPRemoval.self, context: context)
                try await accounts.disableTOTP(
                    try context.requireActor(), password: body.password,
                    secondFactor: SecondFactor(totpCode: body.totpCode, recoveryCode: body.recoveryCode),
                    client: AuthRoutes.client(request, context)
                )
                return Response(status: .noContent)
            },
            APIRoute(.post, "/me/deletion", audience: .signedIn(scope: nil)) { request, context in
                let body = try await request.decodeJSON(DeletionRequest.self, context: context)
                let pending = try await accounts.requestDeletion(
                    try context.requireActor(), password: body.password,
                    secondFactor: SecondFactor(totpCode: body.totpCode, recoveryCode: body.recoveryCode), posts: body.posts,
                    client: AuthRoutes.client(request, context)
                )
                return JSONBody.snakeCase(pending, status: .accepted)
            },
            APIRoute(.delete, "/me/deletion", audience: .signedIn(scope: nil)) { _, context in
                try await accounts.cancelDeletion(try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.get, "/me/api-tokens", audience: .signedIn(scope: nil)) { _, context in
                JSONBody.snakeCase(try await accounts.apiTokens(of: try context.requireActor()))
            },
            APIRoute(.post, "/me/api-tokens", audience: .signedIn(scope: nil)) { request, context in
                let body = try await request.decodeJSON(TokenRequest.self, context: context)
                let (token, secret) = try await accounts.createAPIToken(
                    try context.requireActor(), name: body.name, scopes: Set(body.scopes), days: body.expiresInDays
                )
                return JSONBody.snakeCase(CreatedToken(token: token, secret: secret.text), status: .created)
            },
            APIRoute(.delete, "/me/api-tokens/{id}", audience: .signedIn(scope: nil)) { _, context in
                try await accounts.revokeAPIToken(try context.parameters.require("id", as: UUID.self), of: try context.requireActor())
                return Response(status: .noContent)
            },
        ]
    }
}
