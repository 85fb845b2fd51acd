import Foundation
import HavenCore
import Hummingbird

/// A topic: its posts with their actions (quote, react, bookmark, flag, edit, history), paging,
/// and the reply form.
enum TopicPages {
    static func routes(services: HavenServices) -> [WebRoute] {
        let forums = services.forums
        return [
            WebRoute(.get, "/web/topics/{topicId}", audience: .signedIn) { page in
                try await self.topicPage(page, forums: forums)
            },
            WebRoute(.post, "/web/topics/{topicId}/replies", audience: .signedIn) { page in
                let actor = try page.requireActor()
                let topicID = try page.id("topicId")
                let body = page.form.text("body") ?? ""
                var replyTo: UUID?
                if let text = page.form.text("reply_to") {
                    guard let id = UUID(uuidString: text) else {
                        return try await self.topicPage(page, forums: forums, error: page.t("error_422"))
                    }
                    replyTo = id
                }
                let quote = page.form["quote"] == "true" && replyTo != nil
                if let problem = ForumPages.bodyProblem(body, forums: forums) {
                    return try await self.topicPage(page, forums: forums, error: page.t(problem, ForumPages.limits(forums, page)))
                }
                let post: ForumPost
                do {
                    post = try await forums.reply(to: topicID, body: body, replyTo: replyTo, quote: quote, by: actor)
                } catch AccountError.invalidInput {
                    return try await self.topicPage(page, forums: forums, error: page.t("forum_error_reply"))
                }
                let done = post.state == .pending ? "reply-pending" : "reply-posted"
                return page.redirect("/web/topics/\(ForumPages.lower(topicID))?done=\(done)")
            },
        ]
    }

    /// The topic page; with `error`, the reply form is shown again with the member's text (422).
    static func topicPage(_ page: WebRequest, forums: Forums, error: String? = nil) async throws -> Response {
        let actor = try page.requireActor()
        let topicID = try page.id("topicId")
        let after = page.query("after")
        let topicPage = try await forums.topicPage(topicID, after: after, for: actor)
        let topic = topicPage.topic
        let moderator = try await forums.mayModerate(topic: topicID, for: actor)
        let category = try? await ForumPages.category(topic.categoryId, forums: forums, actor: actor)
        let canPost = category?.canPost ?? false
        let quoting = (page.query("quote") ?? page.form.text("reply_to")).flatMap(UUID.init(uuidString:))
        let posts: [[String: Any]] = topicPage.posts.map { post in
            let published = post.state == .published
            var data: [String: Any] = [
                "id": ForumPages.lower(post.id), "author": post.authorName ?? page.t("forum_unknown_author"), "mine": post.mine == true,
                "when": page.date(post.createdAt), "edited": post.editedAt != nil, "html": post.html, "language": topic.language,
                "pending": post.state == .pending, "published": published, "bookmarked": post.bookmarked,
                "bookmarkPresent": post.bookmarked ? "false" : "true",
                "bookmarkLabel": page.t(post.bookmarked ? "forum_unbookmark" : "forum_bookmark"),
                "canEdit": post.source != nil, "canHistory": moderator,
                "canQuote": published && canPost && topic.state == "published" && (!topic.locked || moderator),
                
            ]
            if post.state == .rejected || post.state == .hidden {
                data["stateLabel"] = page.t("forum_state_\(post.state.rawValue)")
                if let reason = post.moderationReason { data["reason"] = reason }
            }
            data["reactions"] = ForumReaction.allCases.map { kind in
                let count = post.reactions[kind.rawValue] ?? 0
                let mine = post.myReactions.contains(kind.rawValue)
                return [
                    "kind": kind.rawValue, "mine": mine, "counted": count > 0, "label": page.t("forum_reaction_\(kind.rawValue)"),
                    "count": page.number(count),
                ] as [String: Any]
            }
            return data
        }
        let quoted = quoting.flatMap { id in topicPage.posts.first { $0.id == id } }
        let replyOpen = topic.state == "published" && canPost && (!topic.locked || moderator)
        return page.page("forum-topic", title: page.t("forum_topic_title"), status: error == nil ? .ok : .unprocessableContent, ForumPages.present([
            "topic": [
                "id": ForumPages.lower(topic.id), "title": topic.title, "language": topic.language, "locked": topic.locked,
                "pinned": topic.pinned, "pending": topic.state == "pending",
            ] as [String: Any],
            "category": category.map { ForumPages.categoryData($0, page: page) },
            "posts": posts,
            "after": after, "hasPages": after != nil || topicPage.next != nil,
            "next": topicPage.next.map { "/web/topics/\(ForumPages.lower(topicID))?after=\(ForumPages.escape($0))" },
            "paged": after != nil,
            "replyOpen": replyOpen, "lockedNote": topic.locked,
            "replyBody": page.form["body"] ?? "",
            "quoting": quoted.map { ["id": ForumPages.lower($0.id), "author": $0.authorName ?? page.t("forum_unknown_author")] },
            "error": error,
        ]))
    }
}
