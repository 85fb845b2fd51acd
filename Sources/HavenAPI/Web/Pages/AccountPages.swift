import Foundation
import HavenCore
import Hummingbird

/// The member's own account: profile and language, password, second factor and recovery codes,
/// sessions, API tokens, data export and deletion; and the signed-out pages that lead to an
/// account (accepting an invitation, a forgotten password). Each area has its own file.
enum AccountPages {
    static func routes(services: HavenServices) -> [WebRoute] {
        self.profileRoutes(services)
            + self.twoFactorRoutes(services)
            + self.sessionRoutes(services)
            + self.tokenRoutes(services)
            + self.exportRoutes(services)
            + self.deletionRoutes(services)
            + self.signedOutRoutes(services)
    }

    /// The second factor typed in a form's `code` field: six digits, or a recovery code (longer).
    static func secondFactor(_ page: WebRequest, field: String = "code") -> SecondFactor {
        let code = page.form.text(field)?.replacing(" ", with: "") ?? ""
        if code.isEmpty { return SecondFactor() }
        return code.count > 8 ? SecondFactor(recoveryCode: code) : SecondFactor(totpCode: code)
    }

    /// Whether the session's password entry is recent enough for what needs it (creating a token,
    /// starting two-factor enrolment); when not, the form asks for the password again.
    static func isRecentlyAuthenticated(_ actor: Actor, accounts: Accounts) async -> Bool {
        do {
            try await accounts.requireRecentAuthentication(actor)
            return true
        } catch {
            return false
        }
    }

    /// Checks the form's `password` (and `code`) again when it carries one, opening the
    /// re-authentication window before an action that needs it.
    static func reauthenticateIfAsked(_ page: WebRequest, _ actor: Actor, accounts: Accounts) async throws {
        guard let password = page.form["password"], !password.isEmpty else { return }
        try await accounts.reauthenticate(actor, password: password, secondFactor: self.secondFactor(page), client: page.client)
    }

    /// What a form shows when HavenCore refused its input: a message in the page's language, the
    /// reason HavenCore gave (in English, when there is one), and the status. Nil for refusals
    /// that are not about the form (throttling, a missing thing): those become error pages.
    struct FormError {
        var message: String
        var detail: String?
        var status: HTTPResponse.Status

        init?(_ error: any Error, page: WebRequest) {
            guard let error = error as? AccountError else { return nil }
            switch error {
            case .invalidCredentials:
                (self.message, self.detail, self.status) = (page.t("account_error_credentials"), nil, .unauthorized)
            case .secondFactorRequired:
                (self.message, self.detail, self.status) = (page.t("account_error_code_needed"), nil, .unprocessableContent)
            case .reauthenticationRequired:
                (self.message, self.detail, self.status) = (page.t("account_error_reauth"), nil, .unauthorized)
            case .passwordRejected(let reason):
                (self.message, self.detail, self.status) = (page.t("account_error_password_rejected"), reason, .unprocessableContent)
            case .invalidInput(let reason):
                (self.message, self.detail, self.status) = (page.t("account_error_invalid"), reason, .unprocessableContent)
            case .tokenInvalid:
                (self.message, self.detail, self.status) = (page.t("account_error_link_invalid"), nil, .unprocessableContent)
            default:
                return nil
            }
        }

        init(message: String, status: HTTPResponse.Status = .unprocessableContent) {
            (self.message, self.detail, self.status) = (message, nil, status)
        }

        /// The values a template reads: `error` (the layout's alert) and `errorDetail`.
        var data: [String: Any] {
            AccountPages.data(["error": self.message, "errorDetail": self.detail])
        }
    }

    /// Runs `body`; a refusal of the form's input is handed to `form` to show the form again.
    static func orForm(
        _ page: WebRequest, _ body: () async throws -> Response, form: (FormError) async throws -> Response
    ) async throws -> Response {
        do {
            return try await body()
        } catch {
            guard let formError = FormError(error, page: page) else { throw error }
            return try await form(formError)
        }
    }

    /// `data` with the form error's values merged in.
    static func merge(_ data: [String: Any], _ error: FormError?) -> [String: Any] {
        guard let error else { return data }
        return data.merging(error.data) { $1 }
    }

    /// A page that shows a secret once: never cached, never kept by the browser.
    static func once(_ response: Response) -> Response {
        var response = response
        response.headers[.cacheControl] = "no-store"
        return response
    }

    static func text(_ id: UUID) -> String { id.uuidString.lowercased() }

    /// Template data without its absent values: Mustache would write an absent optional as "nil".
    static func data(_ values: [String: Any?]) -> [String: Any] {
        values.compactMapValues { $0 }
    }
}
