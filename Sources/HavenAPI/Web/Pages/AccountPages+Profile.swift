import Foundation
import HavenCore
import Hummingbird

/// The account page (profile, language, links to the rest) and the password change.
extension AccountPages {
    static func profileRoutes(_ services: HavenServices) -> [WebRoute] {
        let accounts = services.accounts
        return [
            WebRoute(.get, "/web/account", audience: .signedIn) { page in
                try await self.overview(page, accounts: accounts)
            },
            WebRoute(.post, "/web/account/profile", audience: .signedIn) { page in
                let actor = try page.requireActor()
                return try await self.orForm(page) {
                    _ = try await accounts.updateProfile(actor, displayName: page.form["display_name"] ?? "")
                    try await accounts.setDirectoryVisibility(page.form.isChecked("directory_visible"), for: actor)
                    return page.redirect("/web/account?done=profile-saved")
                } form: { error in
                    try await self.overview(page, accounts: accounts, error: error)
                }
            },
            WebRoute(.post, "/web/account/language", audience: .signedIn) { page in
                let actor = try page.requireActor()
                return try await self.orForm(page) {
                    try await accounts.setLanguage(page.form["language"] ?? "", for: actor)
                    return page.redirect("/web/account?done=language-saved")
                } form: { error in
                    try await self.overview(page, accounts: accounts, error: error)
                }
            },
            WebRoute(.get, "/web/account/password", audience: .signedIn) { page in
                self.passwordForm(page, email: try page.requireActor().email)
            },
            WebRoute(.post, "/web/account/password", audience: .signedIn) { page in
                let actor = try page.requireActor()
                if page.form["new_password"] != page.form["confirm_password"] {
                    return self.passwordForm(page, email: actor.email, error: FormError(message: page.t("account_password_mismatch")))
                }
                return try await self.orForm(page) {
                    try await accounts.changePassword(
                        actor, current: page.form["current_password"] ?? "", new: page.form["new_password"] ?? "", client: page.client
                    )
                    return page.redirect("/web/account?done=password-changed")
                } form: { error in
                    self.passwordForm(page, email: actor.email, error: error)
                }
            },
        ]
    }

    static func overview(_ page: WebRequest, accounts: Accounts, error: FormError? = nil) async throws -> Response {
        let actor = try page.requireActor()
        let account = try await accounts.account(id: actor.accountID)
        let visible = try await accounts.isDirectoryVisible(actor)
        let name = error == nil ? (account.displayName ?? "") : (page.form["display_name"] ?? account.displayName ?? "")
        return page.page("account-overview", title: page.t("account_title"), status: error?.status ?? .ok, self.merge(self.data([
            "email": account.email,
            "displayName": name,
            "directoryVisible": error == nil ? visible : page.form.isChecked("directory_visible"),
            "languageOptions": WebLanguage.all.map { ["code": $0.code, "name": $0.name, "selected": $0.code == account.language] },
            "twoFactorState": page.t(account.twoFactorEnabled ? "account_2fa_state_on" : "account_2fa_state_off"),
            "deletionDue": account.deletionDueAt.map { page.t("account_delete_pending", ["date": page.date($0)]) },
        ]), error))
    }

    static func passwordForm(_ page: WebRequest, email: String, error: FormError? = nil) -> Response {
        page.page("account-password", title: page.t("account_password_title"), status: error?.status ?? .ok, self.merge(
            self.newPasswordRule(page).merging(["email": email]) { $1 }, error
        ))
    }

    /// The new-password field's rule: its minimum length, and the hint that says it.
    static func newPasswordRule(_ page: WebRequest) -> [String: Any] {
        let minimum = page.services.accounts.configuration.passwordPolicy.minimumLength
        return ["minLength": minimum, "newPasswordHint": page.t("account_new_password_hint", ["minimum": page.number(minimum)])]
    }
}
