import Foundation
import HavenCore
import Hummingbird

/// Two-factor authentication: enrolment with a QR code drawn on the server, the recovery codes
/// (shown once), new recovery codes, and turning it off. Staff who must enrol are sent here before
/// anything else, so the enrolment pages admit them before their second factor.
extension AccountPages {
    static func twoFactorRoutes(_ services: HavenServices) -> [WebRoute] {
        let accounts = services.accounts
        return [
            WebRoute(.get, "/web/account/two-factor", audience: .signedInBeforeSecondFactor) { page in
                let actor = try page.requireActor()
                if actor.twoFactorEnabled { return try await self.twoFactorOn(page, accounts: accounts) }
                // With a recent password entry the enrolment is shown at once (the one begun, or a
                // new one); otherwise the password comes first.
                guard await self.isRecentlyAuthenticated(actor, accounts: accounts) else {
                    return self.twoFactorStart(page, actor: actor, accounts: accounts)
                }
                if let pending = try await accounts.pendingTOTPEnrolment(actor) {
                    return self.enrolmentPage(page, pending, actor: actor, accounts: accounts)
                }
                return self.enrolmentPage(page, try await accounts.beginTOTPEnrolment(actor), actor: actor, accounts: accounts)
            },
            WebRoute(.post, "/web/account/two-factor/start", audience: .signedInBeforeSecondFactor) { page in
                let actor = try page.requireActor()
                if actor.twoFactorEnabled { return page.redirect("/web/account/two-factor") }
                return try await self.orForm(page) {
                    try await self.reauthenticateIfAsked(page, actor, accounts: accounts)
                    let enrolment = try await accounts.beginTOTPEnrolment(actor)
                    return self.enrolmentPage(page, enrolment, actor: actor, accounts: accounts)
                } form: { error in
                    self.twoFactorStart(page, actor: actor, accounts: accounts, error: error)
                }
            },
            WebRoute(.post, "/web/account/two-factor/confirm", audience: .signedInBeforeSecondFactor) { page in
                let actor = try page.requireActor()
                if actor.twoFactorEnabled { return page.redirect("/web/account/two-factor") }
                let code = page.form.text("code")?.replacing(" ", with: "") ?? ""
                return try await self.orForm(page) {
                    let codes = try await accounts.confirmTOTP(actor, code: code, client: page.client)
                    return self.recoveryCodesPage(page, codes: codes, enrolled: true)
                } form: { _ in
                    // The enrolment again (its secret unchanged), with the code marked wrong.
                    let wrong = FormError(message: page.t("account_2fa_code_wrong"))
                    guard await self.isRecentlyAuthenticated(actor, accounts: accounts),
                        let enrolment = try await accounts.pendingTOTPEnrolment(actor)
                    else { return self.twoFactorStart(page, actor: actor, accounts: accounts, error: wrong) }
                    return self.enrolmentPage(page, enrolment, actor: actor, accounts: accounts, error: wrong)
                }
            },
            WebRoute(.post, "/web/account/two-factor/recovery-codes", audience: .signedIn) { page in
                let actor = try page.requireActor()
                return try await self.orForm(page) {
                    let codes = try await accounts.regenerateRecoveryCodes(
                        actor, password: page.form["password"] ?? "", secondFactor: self.secondFactor(page), client: page.client
                    )
                    return self.recoveryCodesPage(page, codes: codes, enrolled: false)
                } form: { error in
                    try await self.twoFactorOn(page, accounts: accounts, error: error, form: "recovery")
                }
            },
            WebRoute(.post, "/web/account/two-factor/disable", audience: .signedIn) { page in
                let actor = try page.requireActor()
                return try await self.orForm(page) {
                    try await accounts.disableTOTP(
                        actor, password: page.form["password"] ?? "", secondFactor: self.secondFactor(page), client: page.client
                    )
                    return page.redirect("/web/account/two-factor?done=two-factor-off")
                } form: { error in
                    try await self.twoFactorOn(page, accounts: accounts, error: error, form: "disable")
                }
            },
        ]
    }

    /// Whether the installation keeps this member from turning the second factor off.
    static func mustKeepSecondFactor(_ actor: Actor, accounts: Accounts) -> Bool {
        actor.role.isStaff && accounts.configuration.requireSecondFactorForStaff
    }

    /// Two-factor is off and the password is needed before a secret is made.
    static func twoFactorStart(_ page: WebRequest, actor: Actor, accounts: Accounts, error: FormError? = nil) -> Response {
        page.page("account-two-factor", title: page.t("account_2fa_title"), status: error?.status ?? .ok, self.merge([
            "start": true, "required": self.mustKeepSecondFactor(actor, accounts: accounts),
        ], error))
    }

    /// The enrolment: the QR code, the secret for typing in, and the form for the first code.
    static func enrolmentPage(
        _ page: WebRequest, _ enrolment: TOTPEnrolment, actor: Actor, accounts: Accounts, error: FormError? = nil
    ) -> Response {
        // The SVG is ours (QRCode+SVG: a rect and a path, no script, no style), drawn again with
        // its title in the page's language; were it ever to carry a style or script, it would go
        // in an <img> instead, where it can run nothing and the policy allows data: images.
        let svg = (try? QRCode(encoding: enrolment.uri).svg(title: page.t("account_2fa_qr_title"))) ?? enrolment.qrSvg
        var data: [String: Any] = [
            "enrolling": true, "secret": enrolment.secret, "uri": enrolment.uri,
            "required": self.mustKeepSecondFactor(actor, accounts: accounts),
        ]
        if let svg {
            if Self.isInert(svg) {
                data["qrSvg"] = svg
            } else {
                data["qrImage"] = "data:image/svg+xml;base64," + Data(svg.utf8).base64EncodedString()
            }
        }
        return self.once(page.page("account-two-factor", title: page.t("account_2fa_title"), status: error?.status ?? .ok, self.merge(data, error)))
    }

    /// Whether SVG markup can be written into a page as it is: no script, no style, no handler.
    static func isInert(_ svg: String) -> Bool {
        let lower = svg.lowercased()
        return !lower.contains("script") && !lower.contains("style") && !lower.contains("foreignobject")
            && lower.firstMatch(of: /\son[a-z]+\s*=/) == nil && !lower.contains("href")
    }

    /// Two-factor is on: how many recovery codes are left, new codes, turning it off.
    static func twoFactorOn(_ page: WebRequest, accounts: Accounts, error: FormError? = nil, form: String? = nil) async throws -> Response {
        let actor = try page.requireActor()
        let remaining = try await accounts.remainingRecoveryCodes(actor)
        return page.page("account-two-factor", title: page.t("account_2fa_title"), status: error?.status ?? .ok, self.data([
            "on": true, "required": self.mustKeepSecondFactor(actor, accounts: accounts),
            "remaining": page.t("account_2fa_codes_left", ["count": page.number(remaining)]),
            "recoveryError": form == "recovery" ? error?.message : nil,
            "disableError": form == "disable" ? error?.message : nil,
            "errorDetail": error?.detail,
        ]))
    }

    /// The recovery codes, shown this once.
    static func recoveryCodesPage(_ page: WebRequest, codes: [String], enrolled: Bool) -> Response {
        self.once(page.page("account-recovery-codes", title: page.t("account_codes_title"), [
            "codes": codes, "enrolled": enrolled,
        ]))
    }
}
