import Foundation
import HavenCore
import Hummingbird

/// A forum category's topics and the form that starts a topic in it. The topic page and the
/// actions on posts are in `TopicPages` and `PostPages`.
enum ForumPages {
    static func routes(services: HavenServices) -> [WebRoute] {
        let forums = services.forums
        return [
            WebRoute(.get, "/web/categories/{categoryId}", audience: .signedIn) { page in
                let actor = try page.requireActor()
                let categoryID = try page.id("categoryId")
                let listing = try await forums.topics(in: categoryID, after: page.query("after"), for: actor)
                let category = try await self.category(categoryID, forums: forums, actor: actor)
                return page.page("forum-category", title: page.t("forum_category_title"), ForumPages.present([
                    "category": self.categoryData(category, page: page),
                    "children": category.children.map { self.categoryData($0, page: page) }, "hasChildren": !category.children.isEmpty,
                    "topics": listing.items.map { self.topicData($0, page: page) },
                    "next": listing.next.map { "/web/categories/\(self.lower(categoryID))?after=\(self.escape($0))" },
                    "paged": page.query("after") != nil, "hasPages": page.query("after") != nil || listing.next != nil,
                ]))
            },
            WebRoute(.get, "/web/categories/{categoryId}/new", audience: .signedIn) { page in
                let actor = try page.requireActor()
                let category = try await self.category(try page.id("categoryId"), forums: forums, actor: actor)
                guard category.canPost else { throw AccountError.forbidden }
                return self.newTopicForm(page, category: category)
            },
            WebRoute(.post, "/web/categories/{categoryId}/topics", audience: .signedIn) { page in
                let actor = try page.requireActor()
                let category = try await self.category(try page.id("categoryId"), forums: forums, actor: actor)
                guard category.canPost else { throw AccountError.forbidden }
                let title = page.form.text("title") ?? ""
                let body = page.form.text("body") ?? ""
                let language = page.form["language"] ?? ""
                let problem: String? =
                    if title.isEmpty || title.count > 200 || title.contains(where: \.isNewline) {
                        "forum_error_title"
                    } else if !WebLanguage.codes.contains(language) {
                        "forum_error_language"
                    } else if let key = self.bodyProblem(body, forums: forums) {
                        key
                    } else {
                        nil
                    }
                if let problem {
                    return self.newTopicForm(page, category: category, error: page.t(problem, self.limits(forums, page)))
                }
                let created: TopicPage
                do {
                    created = try await forums.createTopic(in: category.id, title: title, body: body, language: language, by: actor)
                } catch AccountError.invalidInput {
                    return self.newTopicForm(page, category: category, error: page.t("error_422"))
                }
                let done = created.posts.first?.state == .pending ? "topic-pending" : "topic-posted"
                return page.redirect("/web/topics/\(self.lower(created.topic.id))?done=\(done)")
            },
        ]
    }

    /// The category (or sub-category) as the viewer sees it; not found when hidden.
    static func category(_ id: UUID, forums: Forums, actor: Actor) async throws -> ForumCategory {
        let tree = try await forums.categories(for: actor)
        guard let found = (tree + tree.flatMap(\.children)).first(where: { $0.id == id }) else { throw AccountError.notFound }
        return found
    }

    static func newTopicForm(_ page: WebRequest, category: ForumCategory, error: String? = nil) -> Response {
        let chosen = page.form["language"].flatMap { WebLanguage.codes.contains($0) ? $0 : nil } ?? page.language.code
        return page.page("forum-new-topic", title: page.t("forum_new_topic_title"), status: error == nil ? .ok : .unprocessableContent, ForumPages.present([
            "category": self.categoryData(category, page: page),
            "titleValue": page.form["title"] ?? "", "body": page.form["body"] ?? "",
            "languageOptions": WebLanguage.all.map { ["code": $0.code, "name": $0.name, "selected": $0.code == chosen] },
            "error": error,
        ]))
    }

    /// The catalogue key saying what is wrong with a post's text, or nil when it may be sent.
    static func bodyProblem(_ body: String, forums: Forums) -> String? {
        if body.isEmpty { return "forum_error_body_empty" }
        if body.unicodeScalars.count > forums.configuration.maximumPostLength { return "forum_error_body_long" }
        return nil
    }

    static func limits(_ forums: Forums, _ page: WebRequest) -> [String: String] {
        ["max": page.number(forums.configuration.maximumPostLength)]
    }

    static func categoryData(_ category: ForumCategory, page: WebRequest) -> [String: Any] {
        ["id": self.lower(category.id), "name": page.localized(category.names), "description": page.localized(category.descriptions),
         "canPost": category.canPost, "pseudonymous": category.pseudonymous]
    }

    static func topicData(_ topic: ForumTopic, page: WebRequest) -> [String: Any] {
        ["id": self.lower(topic.id), "title": topic.title, "titleLang": topic.language, "pinned": topic.pinned, "locked": topic.locked,
         "unread": topic.unread, "replies": page.t("forum_replies", ["count": page.number(topic.replyCount)]),
         "when": page.date(topic.lastPostedAt)]
    }

    /// A page's data without its absent values (an absent value is a false section in a template).
    static func present(_ values: [String: Any?]) -> [String: Any] {
        values.compactMapValues { $0 }
    }

    static func lower(_ id: UUID) -> String { id.uuidString.lowercased() }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: WebInterface.unreserved) ?? ""
    }
}
