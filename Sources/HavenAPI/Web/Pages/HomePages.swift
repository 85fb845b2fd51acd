import Foundation
import HavenCore
import Hummingbird

/// The home page: the forum categories the member can see, and the topics with posts they have
/// not read; each category says how many of its topics are unread.
enum HomePages {
    static func routes(services: HavenServices) -> [WebRoute] {
        let forums = services.forums
        return [
            WebRoute(.get, "/web/", audience: .signedIn) { page in
                let actor = try page.requireActor()
                let categories = try await forums.categories(for: actor)
                let unread = try await forums.unreadTopics(after: nil, for: actor)
                let counts = try await forums.unreadCounts(for: actor)
                func card(_ category: ForumCategory) -> [String: Any] {
                    let count = counts[category.id] ?? 0
                    return ForumPages.present([
                        "id": category.id.uuidString.lowercased(), "name": page.localized(category.names),
                        "description": page.localized(category.descriptions), "hasUnread": count > 0,
                        "unreadLabel": page.t("forum_unread_count", ["count": page.number(count)]),
                        "children": category.children.map(card), "hasChildren": !category.children.isEmpty,
                    ])
                }
                return page.page("home", title: page.t("home_title"), [
                    "categories": categories.map(card),
                    "unread": unread.items.map { topic in
                        ["id": topic.id.uuidString.lowercased(), "title": topic.title, "titleLang": topic.language,
                         "when": page.date(topic.lastPostedAt), "replies": page.number(topic.replyCount)]
                    },
                ])
            },
        ]
    }
}
