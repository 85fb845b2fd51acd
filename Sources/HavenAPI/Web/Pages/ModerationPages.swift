import Foundation
import HavenCore
import Hummingbird

/// The moderation queue: posts and document versions waiting for a moderator, and members'
/// reports, each with the forms that settle it. HavenCore filters the queue down to what the
/// moderator may act on and decides every action, as for the API.
enum ModerationPages {
    static func routes(services: HavenServices) -> [WebRoute] {
        let forums = services.forums
        let documents = services.documents
        return [
            WebRoute(.get, "/web/moderation", audience: .staff) { page in
                try await queuePage(page, services: services)
            },
            WebRoute(.post, "/web/moderation/posts/{postId}/decision", audience: .staff) { page in
                let actor = try page.requireActor()
                let id = try page.id("postId")
                switch page.form["decision"] {
                case "approve":
                    try await forums.decide(id, .approve(editedSource: nil, expectedVersion: nil), by: actor)
                    return page.redirect("/web/moderation?done=post-approved")
                case "reject":
                    guard let reason = page.form.text("reason") else {
                        return try await queuePage(page, services: services, error: page.t("mod_reason_required"))
                    }
                    try await forums.decide(id, .reject(reason: reason), by: actor)
                    return page.redirect("/web/moderation?done=post-rejected")
                default:
                    return try await queuePage(page, services: services, error: page.t("mod_decision_unknown"))
                }
            },
            WebRoute(.post, "/web/moderation/documents/{documentId}/versions/{version}/decision", audience: .staff) { page in
                let actor = try page.requireActor()
                let id = try page.id("documentId")
                guard let version = page.context.parameters.get("version").flatMap({ Int($0) }), version >= 1 else { throw Problem(.notFound) }
                switch page.form["decision"] {
                case "approve":
                    _ = try await documents.decide(id, version: version, .approve, by: actor, client: page.client)
                    return page.redirect("/web/moderation?done=document-approved")
                case "reject":
                    guard let reason = page.form.text("reason") else {
                        return try await queuePage(page, services: services, error: page.t("mod_reason_required"))
                    }
                    _ = try await documents.decide(id, version: version, .reject(reason: reason), by: actor, client: page.client)
                    return page.redirect("/web/moderation?done=document-rejected")
                default:
                    return try await queuePage(page, services: services, error: page.t("mod_decision_unknown"))
                }
            },
            WebRoute(.post, "/web/moderation/flags/{flagId}/resolve", audience: .staff) { page in
                let actor = try page.requireActor()
                let id = try page.id("flagId")
                guard let resolution = page.form["resolution"].flatMap(FlagResolution.init(rawValue:)) else {
                    return try await queuePage(page, services: services, error: page.t("mod_resolution_unknown"))
                }
                let note = page.form.text("note") ?? ""
                // Hiding a post tells its author why: the note is that reason.
                if resolution == .postHidden, note.isEmpty {
                    return try await queuePage(page, services: services, error: page.t("mod_reason_required"))
                }
                try await forums.resolveFlag(id, resolution, note: note, by: actor)
                return page.redirect("/web/moderation?done=flag-resolved")
            },
        ]
    }

    /// The queue, oldest first, a page of posts and a page of flags at a time (`after_post`,
    /// `after_flag`: HavenCore's cursors); with `error`, re-shown after a form that was not valid.
    static func queuePage(_ page: WebRequest, services: HavenServices, error: String? = nil) async throws -> Response {
        let actor = try page.requireActor()
        let afterPost = page.query("after_post").flatMap { Int($0) == nil ? nil : $0 }
        let afterFlag = page.query("after_flag").flatMap { Int($0) == nil ? nil : $0 }
        let queue = try await services.forums.moderationQueue(afterPost: afterPost, afterFlag: afterFlag, by: actor)
        let versions = try await services.documents.vettingQueue(for: actor)
        func id(_ id: UUID) -> String { id.uuidString.lowercased() }
        func link(post: String?, flag: String?) -> String {
            var items: [String] = []
            if let post { items.append("after_post=\(post)") }
            if let flag { items.append("after_flag=\(flag)") }
            return "/web/moderation?" + items.joined(separator: "&")
        }
        let posts: [[String: Any]] = queue.posts.map { post in
            [
                "postId": id(post.postId), "topicId": id(post.topicId), "topicTitle": post.topicTitle,
                "author": post.authorName ?? page.t("mod_author_unknown"), "html": post.html, "when": page.date(post.createdAt),
                "kind": page.t(post.newTopic ? "mod_kind_topic" : "mod_kind_reply"),
            ]
        }
        let submissions: [[String: Any]] = versions.map { submission in
            let version = submission.version
            return [
                "documentId": id(submission.documentId), "version": String(version.version), "title": page.localized(submission.titles),
                "filename": version.filename, "type": version.mediaType, "size": page.number(Int(version.size)),
                "when": page.date(version.createdAt),
            ]
        }
        let flags: [[String: Any]] = queue.flags.map { flag in
            [
                "flagId": id(flag.flagId), "postId": id(flag.postId), "topicId": id(flag.topicId), "topicTitle": flag.topicTitle,
                "reason": page.t("mod_flag_reason_" + flag.reason.replacing("-", with: "_")), "note": flag.note, "html": flag.postHtml,
                "when": page.date(flag.flaggedAt),
            ]
        }
        return page.page("mod-queue", title: page.t("mod_title"), status: error == nil ? .ok : .unprocessableContent, presentValues([
            "error": error,
            "counts": page.t("mod_counts", [
                "topics": page.number(queue.counts.pendingTopics), "replies": page.number(queue.counts.pendingReplies),
                "flags": page.number(queue.counts.openFlags),
            ]),
            "posts": posts, "documents": submissions, "flags": flags,
            "nextPosts": queue.nextPosts.map { link(post: $0, flag: afterFlag) },
            "nextFlags": queue.nextFlags.map { link(post: afterPost, flag: $0) },
        ]))
    }
}
