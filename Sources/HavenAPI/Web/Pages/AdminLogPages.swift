import Foundation
import HavenCore
import Hummingbird

/// What administrators read to see what happened: the audit log (filtered, newest first) and the
/// mail outbox (counts and recent messages, never their text, recipients masked).
enum AdminLogPages {
    /// Audit rows a page.
    static let auditPageSize = 50
    /// Outbox messages shown.
    static let outboxRows = 50

    static func routes(services: HavenServices) -> [WebRoute] {
        [
            WebRoute(.get, "/web/admin/audit", audience: .administrators) { page in
                try await auditPage(page, audit: services.audit)
            },
            WebRoute(.get, "/web/admin/outbox", audience: .administrators) { page in
                try Access.require(try page.requireActor(), .readMailOutbox)
                let counts = try await MailOutbox.counts(pool: services.pool)
                let entries = try await MailOutbox.recent(limit: Self.outboxRows, pool: services.pool)
                return page.page("admin-outbox", title: page.t("admin_outbox_title"), [
                    "hasEntries": !entries.isEmpty, "pending": page.number(counts.pending), "sent": page.number(counts.sent), "dead": page.number(counts.dead),
                    "entries": entries.map { entry in
                        var row: [String: Any] = [
                            "kind": entry.kind, "recipient": Self.masked(entry.recipient), "attempts": page.number(entry.attempts),
                            "created": page.date(entry.created),
                        ]
                        switch entry.state {
                        case .pending: row["state"] = page.t("admin_outbox_pending")
                        case .sent(let date): row["state"] = page.t("admin_outbox_sent"); row["settled"] = page.date(date)
                        case .dead(let date): row["state"] = page.t("admin_outbox_dead"); row["settled"] = page.date(date)
                        }
                        return row
                    },
                ])
            },
        ]
    }

    /// An address with its local part hidden but its first character (`a…@example.org`): enough
    /// to tell messages apart, not enough for a shoulder-surfer to learn who is on the platform.
    static func masked(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@"), at > address.startIndex else { return "…" }
        return String(address[address.startIndex]) + "…" + address[at...]
    }

    /// The audit log with the filters of the query: `action` (a prefix), `actor` (an account id),
    /// `target` (exact), `from` and `to` (days, inclusive, UTC), `before` (the paging position).
    static func auditPage(_ page: WebRequest, audit: AuditLog) async throws -> Response {
        try Access.require(try page.requireActor(), .readAudit)
        let filters = page.getForm
        var errors: [String] = []
        func day(_ name: String) -> Date? {
            guard let text = filters.text(name) else { return nil }
            guard let date = try? Date(text + "T00:00:00Z", strategy: .iso8601), text.count == 10 else {
                errors.append(page.t("admin_audit_date_invalid"))
                return nil
            }
            return date
        }
        let since = day("from")
        let until = day("to").map { $0.addingTimeInterval(86_400) }
        var actor: UUID?
        if let text = filters.text("actor") {
            actor = UUID(uuidString: text.trimmingCharacters(in: .whitespaces))
            if actor == nil { errors.append(page.t("admin_audit_actor_invalid")) }
        }
        var before: Int?
        if let text = filters.text("before") {
            before = Int(text)
            if before == nil { errors.append(page.t("admin_filter_invalid")) }
        }
        let action = filters.text("action")
        let target = filters.text("target")
        let filter = AuditLog.Filter(
            actor: actor, target: target, since: since, until: until, before: before,
            limit: Self.auditPageSize, actionPrefix: action
        )
        let entries = errors.isEmpty ? try await audit.entries(filter) : []
        var next: String?
        if entries.count == Self.auditPageSize, let last = entries.last {
            var components = URLComponents()
            components.queryItems = ["action", "actor", "target", "from", "to"].compactMap { name in
                filters.text(name).map { URLQueryItem(name: name, value: $0) }
            } + [URLQueryItem(name: "before", value: String(last.position))]
            next = "/web/admin/audit?" + plusEncoded(components)
        }
        return page.page("admin-audit", title: page.t("admin_audit_title"), status: errors.isEmpty ? .ok : .unprocessableContent, presentValues([
            "error": errors.first,
            "action": action ?? "", "actor": filters.text("actor") ?? "", "target": target ?? "",
            "from": filters.text("from") ?? "", "to": filters.text("to") ?? "",
            "entries": entries.map { entry in
                [
                    "when": page.date(entry.occurredAt), "actor": entry.actorId?.uuidString.lowercased() ?? "",
                    "action": entry.action, "target": entry.target, "outcome": page.t("admin_outcome_" + entry.outcome),
                ]
            },
            "hasEntries": !entries.isEmpty, "next": next,
        ]))
    }
}
