import Foundation
import HavenCore
import Hummingbird

/// The pages reached from a mail, signed out: accepting an invitation, asking for a password reset
/// and setting the new password. Mailed links carry their token after `#` (never sent to a
/// server, nor kept in its logs); the pages have a visible token field that works without
/// JavaScript, which haven.js fills from the link.
extension AccountPages {
    static func signedOutRoutes(_ services: HavenServices) -> [WebRoute] {
        let accounts = services.accounts
        return [
            WebRoute(.get, "/web/invitations/accept", audience: .everyone) { page in
                self.invitationForm(page)
            },
            WebRoute(.post, "/web/invitations/accept", audience: .everyone) { page in
                try await self.orForm(page) {
                    let session = try await accounts.acceptInvitation(
                        token: page.form.text("token") ?? "", displayName: page.form["display_name"] ?? "",
                        password: page.form["password"] ?? "", client: page.client
                    )
                    // A browser that was signed in as someone else gives that session up.
                    if let previous = page.actor { try? await accounts.signOut(previous) }
                    return SessionPages.signedIn(session, page: page, next: "/web/")
                } form: { error in
                    self.invitationForm(page, error: error)
                }
            },
            WebRoute(.get, "/web/password/forgot", audience: .everyone) { page in
                page.page("account-forgot", title: page.t("account_forgot_title"), ["email": ""])
            },
            WebRoute(.post, "/web/password/forgot", audience: .everyone) { page in
                do {
                    try await accounts.requestPasswordReset(email: page.form["email"] ?? "", client: page.client)
                } catch AccountError.invalidInput {
                    // A malformed address says nothing about accounts.
                    return page.page("account-forgot", title: page.t("account_forgot_title"), status: .unprocessableContent, [
                        "email": page.form["email"] ?? "", "error": page.t("account_forgot_email_invalid"),
                    ])
                }
                // The same answer whether or not the address has an account.
                return page.redirect("/web/password/forgot?done=reset-requested")
            },
            WebRoute(.get, "/web/password/reset", audience: .everyone) { page in
                self.resetForm(page)
            },
            WebRoute(.post, "/web/password/reset", audience: .everyone) { page in
                if page.form["new_password"] != page.form["confirm_password"] {
                    return self.resetForm(page, error: FormError(message: page.t("account_password_mismatch")))
                }
                return try await self.orForm(page) {
                    try await accounts.completePasswordReset(
                        token: page.form.text("token") ?? "", newPassword: page.form["new_password"] ?? "", client: page.client
                    )
                    // Every session ended, this browser's too.
                    var response = page.redirect("/web/sign-in?done=password-reset")
                    if page.actor != nil { SessionCookie.clear(on: &response) }
                    return response
                } form: { error in
                    self.resetForm(page, error: error)
                }
            },
        ]
    }

    static func invitationForm(_ page: WebRequest, error: FormError? = nil) -> Response {
        self.once(page.page("account-invitation", title: page.t("account_invitation_title"), status: error?.status ?? .ok, self.merge(
            self.newPasswordRule(page).merging([
                "token": page.form["token"] ?? "", "displayName": page.form["display_name"] ?? "",
            ]) { $1 }, error
        )))
    }

    static func resetForm(_ page: WebRequest, error: FormError? = nil) -> Response {
        self.once(page.page("account-reset", title: page.t("account_reset_title"), status: error?.status ?? .ok, self.merge(
            self.newPasswordRule(page).merging(["token": page.form["token"] ?? ""]) { $1 }, error
        )))
    }
}
