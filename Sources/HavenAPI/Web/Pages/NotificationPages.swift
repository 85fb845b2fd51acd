import Foundation
import HavenCore
import Hummingbird

/// The member's notifications: the inbox (each kind as a sentence, linked to what it is about),
/// marking read, and how each kind is delivered.
enum NotificationPages {
    static func routes(services: HavenServices) -> [WebRoute] {
        let notifications = services.accounts.notifications
        let forums = services.forums
        return [
            WebRoute(.get, "/web/notifications", audience: .signedIn) { page in
                let actor = try page.requireActor()
                var after: UUID?
                if let text = page.query("after") {
                    guard let cursor = UUID(uuidString: text) else { throw Problem(.invalidInput, detail: "The page link is not valid.") }
                    after = cursor
                }
                let inbox = try await notifications.inbox(for: actor, after: after, limit: 50, unreadOnly: false)
                var data: [String: Any] = [
                    "notifications": inbox.items.map { self.row($0, page: page) },
                    "hasNotifications": !inbox.items.isEmpty,
                    "unread": page.t("notif_unread_count", ["count": page.number(inbox.unreadCount)]),
                    "hasUnread": inbox.unreadCount > 0,
                ]
                if let next = inbox.nextCursor { data["next"] = "/web/notifications?after=" + next.uuidString.lowercased() }
                return page.page("notif-list", title: page.t("notif_title"), data)
            },
            WebRoute(.post, "/web/notifications/read", audience: .signedIn) { page in
                let actor = try page.requireActor()
                if let text = page.form.text("id") {
                    guard let id = UUID(uuidString: text) else { throw Problem(.invalidInput, detail: "The notification is not valid.") }
                    try await notifications.markRead([id], for: actor)
                } else {
                    try await notifications.markRead(nil, for: actor)
                }
                return page.redirect("/web/notifications?done=notifications-read")
            },
            // A post a notification is about, shown in its topic (the inbox knows only the post's id).
            WebRoute(.get, "/web/notifications/posts/{postId}", audience: .signedIn) { page in
                let post = try await forums.post(try page.id("postId"), for: try page.requireActor())
                let id = post.id.uuidString.lowercased()
                return page.redirect("/web/topics/\(post.topicId.uuidString.lowercased())#post-\(id)")
            },
            WebRoute(.get, "/web/notifications/preferences", audience: .signedIn) { page in
                let preferences = try await notifications.preferences(for: try page.requireActor())
                return self.preferencesPage(page, preferences)
            },
            WebRoute(.post, "/web/notifications/preferences", audience: .signedIn) { page in
                let actor = try page.requireActor()
                var changes: [NotificationKind: NotificationDelivery] = [:]
                for kind in NotificationKind.allCases {
                    guard let value = page.form[kind.rawValue] else { continue }
                    guard let delivery = NotificationDelivery(rawValue: value), delivery != .off || kind.canBeTurnedOff else {
                        var current = try await notifications.preferences(for: actor)
                        for (kind, delivery) in changes { current[kind] = delivery }
                        return self.preferencesPage(page, current, error: page.t("notif_preferences_invalid"), status: .unprocessableContent)
                    }
                    changes[kind] = delivery
                }
                _ = try await notifications.setPreferences(changes, for: actor)
                return page.redirect("/web/notifications/preferences?done=notification-preferences-saved")
            },
        ]
    }

    /// One notification as the inbox lists it.
    static func row(_ notification: MemberNotification, page: WebRequest) -> [String: Any] {
        let key = "notif_kind_" + notification.kind.rawValue.replacing("-", with: "_")
        var row: [String: Any] = [
            "id": notification.id.uuidString.lowercased(), "sentence": page.t(key), "when": page.date(notification.createdAt),
            "unread": notification.readAt == nil,
        ]
        if let link = self.link(notification) { row["link"] = link }
        // Words a person wrote (a moderator's reason, an event's message), shown as text.
        if let text = notification.details["reason"] ?? notification.details["message"] { row["text"] = text }
        return row
    }

    /// The page of what a notification is about, where the web interface has one.
    static func link(_ notification: MemberNotification) -> String? {
        if notification.kind == .moderationQueue { return "/web/moderation" }
        guard let subject = notification.subject else { return nil }
        let id = subject.id.uuidString.lowercased()
        switch subject.kind {
        case .topic: return "/web/topics/\(id)"
        case .post: return "/web/notifications/posts/\(id)"
        case .document: return "/web/documents/\(id)"
        case .session: return "/web/account"
        case .consultation, .event, .export: return nil
        }
    }

    static func preferencesPage(
        _ page: WebRequest, _ preferences: [NotificationKind: NotificationDelivery], error: String? = nil, status: HTTPResponse.Status = .ok
    ) -> Response {
        var data: [String: Any] = [
            "kinds": NotificationKind.allCases.map { kind in
                let name = kind.rawValue
                let deliveries = NotificationDelivery.allCases.filter { $0 != .off || kind.canBeTurnedOff }
                return [
                    "name": name, "label": page.t("notif_pref_" + name.replacing("-", with: "_")),
                    "options": deliveries.map { delivery in
                        ["value": delivery.rawValue, "label": page.t("notif_delivery_" + delivery.rawValue.replacing("-", with: "_")),
                         "selected": preferences[kind] == delivery]
                    },
                ] as [String: Any]
            },
        ]
        if let error { data["error"] = error }
        return page.page("notif-preferences", title: page.t("notif_preferences_title"), status: status, data)
    }
}
