import Foundation
import HavenCore
import Hummingbird

/// The member's sessions (device, when opened, last used; never the address), ending one of them,
/// and signing out everywhere.
extension AccountPages {
    static func sessionRoutes(_ services: HavenServices) -> [WebRoute] {
        let accounts = services.accounts
        return [
            WebRoute(.get, "/web/account/sessions", audience: .signedIn) { page in
                let actor = try page.requireActor()
                let sessions = try await accounts.sessions(of: actor)
                return page.page("account-sessions", title: page.t("account_sessions_title"), [
                    "sessions": sessions.map { session in
                        [
                            "id": self.text(session.id),
                            "device": session.userAgent.isEmpty ? page.t("account_sessions_unknown_device") : session.userAgent,
                            "created": page.date(session.createdAt), "used": page.date(session.lastUsedAt),
                            "current": session.isCurrent,
                        ] as [String: Any]
                    },
                ])
            },
            WebRoute(.post, "/web/account/sessions/{sessionId}/revoke", audience: .signedIn) { page in
                let actor = try page.requireActor()
                let id = try page.id("sessionId")
                try await accounts.revokeSession(id, of: actor)
                if id == actor.sessionID {
                    var response = page.redirect("/web/sign-in?done=signed-out")
                    SessionCookie.clear(on: &response)
                    return response
                }
                return page.redirect("/web/account/sessions?done=session-revoked")
            },
            WebRoute(.post, "/web/account/sign-out-everywhere", audience: .signedInBeforeSecondFactor) { page in
                try await accounts.signOutEverywhere(try page.requireActor())
                var response = page.redirect("/web/sign-in?done=signed-out-everywhere")
                SessionCookie.clear(on: &response)
                return response
            },
        ]
    }
}
