import Foundation
import HavenCore
import Hummingbird

/// The member's export of their own data: where the latest stands, asking for one, and the link
/// to the API's download (a GET the session cookie opens; it works once).
extension AccountPages {
    static func exportRoutes(_ services: HavenServices) -> [WebRoute] {
        let exports = services.exports
        return [
            WebRoute(.get, "/web/account/export", audience: .signedIn) { page in
                try await self.exportPage(page, exports: exports)
            },
            WebRoute(.post, "/web/account/export", audience: .signedIn) { page in
                do {
                    _ = try await exports.request(by: try page.requireActor())
                } catch DataExportError.rateLimited(let seconds) {
                    let hours = max(1, (seconds + 3_599) / 3_600)
                    var response = try await self.exportPage(
                        page, exports: exports, error: FormError(message: page.t("account_export_too_soon", ["hours": page.number(hours)]), status: .tooManyRequests)
                    )
                    response.headers[.retryAfter] = String(seconds)
                    return response
                }
                return page.redirect("/web/account/export?done=export-requested")
            },
        ]
    }

    static func exportPage(_ page: WebRequest, exports: DataExports, error: FormError? = nil) async throws -> Response {
        let latest = try await exports.exports(for: try page.requireActor()).first
        var data: [String: Any] = ["retentionDays": page.number(max(1, Int(exports.configuration.retention / 86_400)))]
        data["intro"] = page.t("account_export_intro", ["days": page.number(max(1, Int(exports.configuration.retention / 86_400)))])
        if let latest {
            var export: [String: Any] = [
                "state": page.t("account_export_state_\(latest.state.rawValue)"),
                "requested": page.date(latest.requestedAt),
            ]
            switch latest.state {
            case .preparing:
                export["progress"] = page.t("account_export_progress", ["percent": page.number(latest.percent)])
            case .ready:
                export["download"] = "/me/exports/\(self.text(latest.id))/download"
                export["expires"] = latest.expiresAt.map { page.t("account_export_expires", ["date": page.date($0)]) }
                export["size"] = latest.size.map { page.t("account_export_size", ["size": page.number(Int(max(1, ($0 + 1_023) / 1_024)))]) }
            default:
                break
            }
            data["export"] = export
        }
        return page.page("account-export", title: page.t("account_export_title"), status: error?.status ?? .ok, self.merge(data, error))
    }
}
