import Foundation
import HavenCore
import Hummingbird

/// Personal API tokens: the list, a new token (its secret shown once), revoking one.
extension AccountPages {
    static func tokenRoutes(_ services: HavenServices) -> [WebRoute] {
        let accounts = services.accounts
        return [
            WebRoute(.get, "/web/account/tokens", audience: .signedIn) { page in
                try await self.tokensPage(page, accounts: accounts)
            },
            WebRoute(.post, "/web/account/tokens", audience: .signedIn) { page in
                let actor = try page.requireActor()
                let scopes = Set(page.form.all("scopes").compactMap(APITokenScope.init(rawValue:)))
                guard let days = page.form.text("expires_in_days").flatMap({ Int($0) }), (1...366).contains(days) else {
                    return try await self.tokensPage(page, accounts: accounts, error: FormError(message: page.t("account_tokens_days_invalid")))
                }
                guard scopes.count == page.form.all("scopes").count, !scopes.isEmpty else {
                    return try await self.tokensPage(page, accounts: accounts, error: FormError(message: page.t("account_tokens_scopes_invalid")))
                }
                return try await self.orForm(page) {
                    try await self.reauthenticateIfAsked(page, actor, accounts: accounts)
                    let (token, secret) = try await accounts.createAPIToken(
                        actor, name: page.form["name"] ?? "", scopes: scopes, days: days
                    )
                    return self.once(page.page("account-token-created", title: page.t("account_tokens_created_title"), [
                        "name": token.name, "secret": secret.text, "expires": page.date(token.expiresAt),
                    ]))
                } form: { error in
                    try await self.tokensPage(page, accounts: accounts, error: error)
                }
            },
            WebRoute(.post, "/web/account/tokens/{tokenId}/revoke", audience: .signedIn) { page in
                try await accounts.revokeAPIToken(try page.id("tokenId"), of: try page.requireActor())
                return page.redirect("/web/account/tokens?done=token-revoked")
            },
        ]
    }

    static func tokensPage(_ page: WebRequest, accounts: Accounts, error: FormError? = nil) async throws -> Response {
        let actor = try page.requireActor()
        let tokens = try await accounts.apiTokens(of: actor)
        let chosen = error == nil ? ["read"] : page.form.all("scopes")
        let scopes = APITokenScope.allCases.filter { scope in
            switch scope {
            case .read, .write: true
            case .moderate: actor.role.isStaff
            case .admin: actor.role == .administrator
            }
        }
        let recent = await self.isRecentlyAuthenticated(actor, accounts: accounts)
        return page.page("account-tokens", title: page.t("account_tokens_title"), status: error?.status ?? .ok, self.merge([
            "tokens": tokens.map { token in
                [
                    "id": self.text(token.id), "name": token.name,
                    "scopes": token.scopes.map { page.t("account_scope_\($0.rawValue)") }.joined(separator: ", "),
                    "created": page.date(token.createdAt), "expires": page.date(token.expiresAt),
                    "used": token.lastUsedAt.map(page.date) ?? page.t("account_tokens_never_used"),
                ]
            },
            "hasTokens": !tokens.isEmpty,
            "scopeOptions": scopes.map { scope in
                ["value": scope.rawValue, "label": page.t("account_scope_\(scope.rawValue)"), "checked": chosen.contains(scope.rawValue)] as [String: Any]
            },
            "name": error == nil ? "" : (page.form["name"] ?? ""),
            "days": error == nil ? "90" : (page.form["expires_in_days"] ?? "90"),
            "reauth": !recent,
            "reauthCode": actor.twoFactorEnabled,
        ], error))
    }
}
