import Foundation
import HavenCore
import Hummingbird

/// Administration: the index of its sections, accounts (search, disable, enable, role) and
/// invitations. HavenCore decides every action (an administrator cannot disable themselves, the
/// last administrator cannot be demoted…), as for the API.
enum AdminPages {
    static func routes(services: HavenServices) -> [WebRoute] {
        let accounts = services.accounts
        return [
            WebRoute(.get, "/web/admin", audience: .administrators) { page in
                page.page("admin-index", title: page.t("admin_title"))
            },
            WebRoute(.get, "/web/admin/accounts", audience: .administrators) { page in
                try await accountList(page, accounts: accounts)
            },
            WebRoute(.get, "/web/admin/accounts/{accountId}", audience: .administrators) { page in
                try await accountPage(page, accounts: accounts)
            },
            WebRoute(.post, "/web/admin/accounts/{accountId}/disable", audience: .administrators) { page in
                let id = try page.id("accountId")
                try await accounts.disableAccount(id, by: try page.requireActor())
                return page.redirect("/web/admin/accounts/\(id.uuidString.lowercased())?done=account-disabled")
            },
            WebRoute(.post, "/web/admin/accounts/{accountId}/enable", audience: .administrators) { page in
                let id = try page.id("accountId")
                try await accounts.enableAccount(id, by: try page.requireActor())
                return page.redirect("/web/admin/accounts/\(id.uuidString.lowercased())?done=account-enabled")
            },
            WebRoute(.post, "/web/admin/accounts/{accountId}/role", audience: .administrators) { page in
                let id = try page.id("accountId")
                guard let role = page.form["role"].flatMap(Role.init(rawValue:)) else {
                    return try await accountPage(page, accounts: accounts, error: page.t("admin_role_unknown"))
                }
                try await accounts.changeRole(of: id, to: role, by: try page.requireActor())
                return page.redirect("/web/admin/accounts/\(id.uuidString.lowercased())?done=role-changed")
            },
            WebRoute(.get, "/web/admin/invitations", audience: .administrators) { page in
                try await invitationsPage(page, accounts: accounts)
            },
            WebRoute(.post, "/web/admin/invitations", audience: .administrators) { page in
                guard let role = page.form["role"].flatMap(Role.init(rawValue:)) else {
                    return try await invitationsPage(page, accounts: accounts, error: page.t("admin_role_unknown"))
                }
                do {
                    _ = try await accounts.invite(email: page.form["email"] ?? "", role: role, by: try page.requireActor())
                } catch AccountError.invalidInput {
                    return try await invitationsPage(page, accounts: accounts, error: page.t("admin_email_invalid"))
                } catch AccountError.emailTaken {
                    return try await invitationsPage(page, accounts: accounts, error: page.t("admin_email_taken"), status: .conflict)
                }
                return page.redirect("/web/admin/invitations?done=invitation-sent")
            },
        ]
    }

    /// The platform roles, for selects, with `selected` marked.
    static func roles(_ page: WebRequest, selected: String?) -> [[String: Any]] {
        Role.allCases.map { role in
            ["value": role.rawValue, "label": page.t("admin_role_\(role.rawValue)"), "selected": role.rawValue == selected]
        }
    }

    static let statuses: [AccountStatus] = [.active, .disabled, .invited, .deleted]

    /// Accounts matching the search (`q`, `role`, `status`), a hundred a page after `after`.
    static func accountList(_ page: WebRequest, accounts: Accounts) async throws -> Response {
        let actor = try page.requireActor()
        let filters = page.getForm
        let role = filters.text("role")
        let status = filters.text("status")
        let parsedRole = role.flatMap(Role.init(rawValue:))
        let parsedStatus = status.flatMap(AccountStatus.init(rawValue:))
        var error: String?
        if (role != nil && parsedRole == nil) || (status != nil && parsedStatus == nil) { error = page.t("admin_filter_invalid") }
        let query = filters.text("q")
        let found = error != nil ? [] : try await accounts.listAccounts(
            search: query, role: parsedRole, status: parsedStatus, after: filters.text("after"), by: actor
        )
        var next: String?
        if found.count == 100, let last = found.last {
            var components = URLComponents()
            components.queryItems = [("q", query), ("role", role), ("status", status), ("after", last.email)].compactMap { name, value in
                value.map { URLQueryItem(name: name, value: $0) }
            }
            next = "/web/admin/accounts?" + plusEncoded(components)
        }
        return page.page("admin-accounts", title: page.t("admin_accounts_title"), status: error == nil ? .ok : .unprocessableContent, presentValues([
            "error": error, "q": query ?? "",
            "roles": roles(page, selected: role),
            "statuses": statuses.map { ["value": $0.rawValue, "label": page.t("admin_status_\($0.rawValue)"), "selected": $0.rawValue == status] as [String: Any] },
            "accounts": found.map { account in
                [
                    "id": account.id.uuidString.lowercased(), "email": account.email, "name": account.displayName ?? "",
                    "role": page.t("admin_role_\(account.role.rawValue)"), "status": page.t("admin_status_\(account.status.rawValue)"),
                ]
            },
            "hasAccounts": !found.isEmpty, "next": next,
        ]))
    }

    /// One account: what administrators need to decide (never what the member wrote).
    static func accountPage(_ page: WebRequest, accounts: Accounts, error: String? = nil) async throws -> Response {
        let account = try await accounts.readAccount(try page.id("accountId"), by: try page.requireActor())
        return page.page("admin-account", title: page.t("admin_account_title"), status: error == nil ? .ok : .unprocessableContent, presentValues([
            "error": error,
            "id": account.id.uuidString.lowercased(), "email": account.email, "name": account.displayName ?? "",
            "role": page.t("admin_role_\(account.role.rawValue)"), "status": page.t("admin_status_\(account.status.rawValue)"),
            "twoFactor": page.t(account.twoFactorEnabled ? "admin_yes" : "admin_no"), "created": page.date(account.createdAt),
            "canDisable": account.status == .active, "canEnable": account.status == .disabled,
            "roles": roles(page, selected: account.role.rawValue),
        ]))
    }

    /// The invitation form and the invitations sent.
    static func invitationsPage(
        _ page: WebRequest, accounts: Accounts, error: String? = nil, status: HTTPResponse.Status = .unprocessableContent
    ) async throws -> Response {
        let invitations = try await accounts.invitations(by: try page.requireActor())
        let now = Date()
        return page.page("admin-invitations", title: page.t("admin_invitations_title"), status: error == nil ? .ok : status, presentValues([
            "error": error, "email": page.form["email"] ?? "",
            "roles": roles(page, selected: page.form["role"] ?? Role.member.rawValue), "hasInvitations": !invitations.isEmpty,
            "invitations": invitations.map { invitation in
                let state = invitation.acceptedAt != nil ? "accepted" : invitation.revokedAt != nil ? "revoked"
                    : invitation.expiresAt < now ? "expired" : "open"
                return [
                    "email": invitation.email, "role": page.t("admin_role_\(invitation.role.rawValue)"),
                    "created": page.date(invitation.createdAt), "state": page.t("admin_invitation_\(state)"),
                ]
            },
        ]))
    }
}

/// Page data without its absent values: Mustache would write an absent optional as "nil".
func presentValues(_ data: [String: Any?]) -> [String: Any] {
    data.compactMapValues { $0 }
}

/// A query string whose `+` signs survive being read as a form (where `+` is a space).
func plusEncoded(_ components: URLComponents) -> String {
    (components.percentEncodedQuery ?? "").replacing("+", with: "%2B")
}

extension WebRequest {
    /// The query string read as a browser submits a GET form: `+` is a space (`query(_:)`
    /// reads it literally, so "Amina Example" would be searched as "Amina+Example").
    var getForm: WebForm {
        WebForm(urlencoded: self.request.uri.query ?? "") ?? .empty
    }
}
