import Foundation
import HavenCore
import Hummingbird

/// Deleting one's own account: what happens and when (the grace period), the password (and code)
/// again, the choice about one's posts where the installation leaves it to members; and taking the
/// request back.
extension AccountPages {
    static func deletionRoutes(_ services: HavenServices) -> [WebRoute] {
        let accounts = services.accounts
        return [
            WebRoute(.get, "/web/account/delete", audience: .signedIn) { page in
                try await self.deletionPage(page, accounts: accounts)
            },
            WebRoute(.post, "/web/account/delete", audience: .signedIn) { page in
                let actor = try page.requireActor()
                var posts: DeletedPosts?
                if accounts.configuration.deletedPosts == .memberChoice {
                    guard let choice = page.form["posts"].flatMap(DeletedPosts.init(rawValue:)) else {
                        return try await self.deletionPage(page, accounts: accounts, error: FormError(message: page.t("account_delete_choose_posts")))
                    }
                    posts = choice
                }
                return try await self.orForm(page) {
                    _ = try await accounts.requestDeletion(
                        actor, password: page.form["password"] ?? "", secondFactor: self.secondFactor(page), posts: posts, client: page.client
                    )
                    return page.redirect("/web/account/delete?done=deletion-requested")
                } form: { error in
                    try await self.deletionPage(page, accounts: accounts, error: error)
                }
            },
            WebRoute(.post, "/web/account/delete/cancel", audience: .signedIn) { page in
                try await accounts.cancelDeletion(try page.requireActor())
                return page.redirect("/web/account/delete?done=deletion-cancelled")
            },
        ]
    }

    static func deletionPage(_ page: WebRequest, accounts: Accounts, error: FormError? = nil) async throws -> Response {
        let actor = try page.requireActor()
        let account = try await accounts.account(id: actor.accountID)
        let days = max(1, Int(accounts.configuration.deletionGracePeriod.components.seconds / 86_400))
        let policy = accounts.configuration.deletedPosts
        let chosen = page.form["posts"]
        return page.page("account-delete", title: page.t("account_delete_title"), status: error?.status ?? .ok, self.merge(self.data([
            "pending": account.deletionDueAt.map { page.t("account_delete_pending", ["date": page.date($0)]) },
            "grace": page.t("account_delete_grace", ["days": page.number(days)]),
            "postsRule": policy == .memberChoice ? nil : page.t("account_delete_posts_\(policy.rawValue)"),
            "choosePosts": policy == .memberChoice,
            "removeChecked": chosen == DeletedPosts.remove.rawValue,
            "keepChecked": chosen == DeletedPosts.keep.rawValue,
            "needsCode": actor.twoFactorEnabled,
        ]), error))
    }
}
