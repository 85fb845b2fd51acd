import Foundation
import HavenCore
import Hummingbird

/// Signing in (password, then the authenticator code when enrolled), signing out, choosing the
/// language, and the quick exit's neutral page.
enum SessionPages {
    static func routes(services: HavenServices) -> [WebRoute] {
        let accounts = services.accounts
        return [
            WebRoute(.get, "/web/sign-in", audience: .everyone) { page in
                if page.actor != nil { return page.redirect(page.safeNext(page.query("next"))) }
                return signInForm(page)
            },
            WebRoute(.post, "/web/sign-in", audience: .everyone) { page in
                let next = page.safeNext(page.form["next"])
                do {
                    let step = try await accounts.beginSignIn(
                        email: page.form["email"] ?? "", password: page.form["password"] ?? "", client: page.client
                    )
                    switch step {
                    case .signedIn(let session):
                        return signedIn(session, page: page, next: next)
                    case .secondFactorRequired(let pending):
                        return codeForm(page, pending: pending.token, next: next)
                    }
                } catch let error as AccountError {
                    return signInForm(page, error: error)
                }
            },
            WebRoute(.post, "/web/sign-in/code", audience: .everyone) { page in
                let next = page.safeNext(page.form["next"])
                let pending = page.form["pending"] ?? ""
                let code = page.form.text("code")?.replacing(" ", with: "") ?? ""
                let secondFactor = code.count > 8 ? SecondFactor(recoveryCode: code) : SecondFactor(totpCode: code)
                do {
                    let session = try await accounts.completeSignIn(pending: pending, secondFactor: secondFactor, client: page.client)
                    return signedIn(session, page: page, next: next)
                } catch let error as AccountError {
                    if case .throttled = error { return signInForm(page, error: error) }
                    return codeForm(page, pending: pending, next: next, error: page.t("sign_in_code_wrong"))
                }
            },
            WebRoute(.post, "/web/sign-out", audience: .signedInBeforeSecondFactor) { page in
                try await accounts.signOut(try page.requireActor())
                var response = page.redirect("/web/sign-in?done=signed-out")
                SessionCookie.clear(on: &response)
                return response
            },
            WebRoute(.post, "/web/language", audience: .everyone) { page in
                guard let language = page.form["lang"].flatMap(WebLanguage.init) else { throw Problem(.invalidInput, detail: "Choose one of the six languages.") }
                var response = page.redirect(page.safeNext(page.form["next"]))
                if let actor = page.actor {
                    try await accounts.setLanguage(language.code, for: actor)
                } else {
                    response.setCookie(Cookie(
                        name: WebLanguage.cookieName, value: language.code, maxAge: 365 * 86_400, path: "/",
                        secure: true, httpOnly: true, sameSite: .lax
                    ))
                }
                return response
            },
            // Sensitive actions (administration) need a recent sign-in: the password (and code) again.
            WebRoute(.get, "/web/reauthenticate", audience: .signedInBeforeSecondFactor) { page in
                reauthenticateForm(page, next: page.safeNext(page.query("next")))
            },
            WebRoute(.post, "/web/reauthenticate", audience: .signedInBeforeSecondFactor) { page in
                let next = page.safeNext(page.form["next"])
                let code = page.form.text("code")?.replacing(" ", with: "") ?? ""
                let secondFactor = code.count > 8 ? SecondFactor(recoveryCode: code) : SecondFactor(totpCode: code)
                do {
                    try await accounts.reauthenticate(try page.requireActor(), password: page.form["password"] ?? "", secondFactor: secondFactor, client: page.client)
                } catch let error as AccountError {
                    if case .throttled = error { throw error }
                    return reauthenticateForm(page, next: next, error: page.t("reauth_failed"))
                }
                return page.redirect(next)
            },
            // The quick exit's destination: a plain page that says nothing of Haven.
            WebRoute(.get, "/today", audience: .everyone) { page in
                var response = page.page("today", title: page.t("today_title"), ["today": page.date(Date())])
                response.headers[.cacheControl] = "no-store"
                return response
            },
        ]
    }

    static func signInForm(_ page: WebRequest, error: AccountError? = nil) -> Response {
        var message: String?
        var status = HTTPResponse.Status.ok
        switch error {
        case .throttled(let seconds)?:
            message = page.t("sign_in_throttled", ["minutes": page.number(max(1, (seconds + 59) / 60))])
            status = .tooManyRequests
        case .busy?:
            message = page.t("error_503")
            status = .serviceUnavailable
        case .some:
            message = page.t("sign_in_failed")
            status = .unauthorized
        case nil:
            break
        }
        return page.page("sign-in", title: page.t("sign_in_title"), status: status, [
            "error": message as Any, "email": page.form["email"] ?? "",
            "next": page.safeNext(page.form["next"] ?? page.query("next")),
        ])
    }

    static func codeForm(_ page: WebRequest, pending: String, next: String, error: String? = nil) -> Response {
        page.page("sign-in-code", title: page.t("sign_in_code_title"), status: error == nil ? .ok : .unauthorized, [
            "error": error as Any, "pending": pending, "next": next,
        ])
    }

    static func reauthenticateForm(_ page: WebRequest, next: String, error: String? = nil) -> Response {
        page.page("reauthenticate", title: page.t("reauth_title"), status: error == nil ? .ok : .unauthorized, [
            "error": error as Any, "next": next, "twoFactor": page.actor?.twoFactorEnabled == true,
        ])
    }

    static func signedIn(_ session: NewSession, page: WebRequest, next: String) -> Response {
        var response = page.redirect(next)
        SessionCookie.set(session, lifetime: page.services.accounts.configuration.sessionAbsoluteTimeout, on: &response)
        // The visitor's form token and language cookie give way to the session's.
        response.setCookie(Cookie(name: WebInterface.formCookie, value: "", maxAge: 0, path: "/", secure: true, httpOnly: true, sameSite: .strict))
        return response
    }
}
