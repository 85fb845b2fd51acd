import Foundation
import HavenCore
import Hummingbird

/// What a member does to one post: react, bookmark, report it to the moderators, edit it (its
/// author and moderators, as HavenCore allows), and, for moderators, read its history.
enum PostPages {
    static func routes(services: HavenServices) -> [WebRoute] {
        let forums = services.forums
        return [
            WebRoute(.post, "/web/posts/{postId}/reactions", audience: .signedIn) { page in
                let actor = try page.requireActor()
                let post = try await forums.post(try page.id("postId"), for: actor)
                // The page's buttons toggle (one form per post); `present` sets the reaction outright.
                guard let kind = page.form["kind"], ForumReaction(rawValue: kind) != nil else {
                    throw Problem(.invalidInput, detail: "Choose one of the reactions.")
                }
                let present: Bool
                if let value = page.form["present"] {
                    guard let given = self.flag(value) else { throw Problem(.invalidInput, detail: "present is true or false.") }
                    present = given
                } else {
                    present = !post.myReactions.contains(kind)
                }
                try await forums.setReaction(kind, on: post.id, present, by: actor)
                return page.redirect(self.back(to: post, page: page))
            },
            WebRoute(.post, "/web/posts/{postId}/bookmark", audience: .signedIn) { page in
                let actor = try page.requireActor()
                let post = try await forums.post(try page.id("postId"), for: actor)
                guard let present = self.flag(page.form["present"]) else { throw Problem(.invalidInput, detail: "Say whether to keep the bookmark.") }
                try await forums.setBookmark(on: post.id, present, by: actor)
                return page.redirect(self.back(to: post, page: page, done: present ? "post-bookmarked" : "post-unbookmarked"))
            },
            WebRoute(.get, "/web/posts/{postId}/flag", audience: .signedIn) { page in
                let post = try await forums.post(try page.id("postId"), for: try page.requireActor())
                return self.flagForm(page, post: post)
            },
            WebRoute(.post, "/web/posts/{postId}/flags", audience: .signedIn) { page in
                let actor = try page.requireActor()
                let post = try await forums.post(try page.id("postId"), for: actor)
                let note = page.form.text("note") ?? ""
                guard let reason = page.form["reason"], FlagReason(rawValue: reason) != nil else {
                    return self.flagForm(page, post: post, error: page.t("forum_error_flag_reason"))
                }
                guard note.unicodeScalars.count <= 1000 else { return self.flagForm(page, post: post, error: page.t("forum_error_flag_note")) }
                try await forums.flag(post.id, reason: reason, note: note, by: actor)
                return page.redirect("/web/topics/\(ForumPages.lower(post.topicId))?done=post-flagged")
            },
            WebRoute(.get, "/web/posts/{postId}/edit", audience: .signedIn) { page in
                let post = try await forums.post(try page.id("postId"), for: try page.requireActor())
                guard let source = post.source else { throw AccountError.forbidden }
                return self.editForm(page, post: post, body: source, version: post.version)
            },
            WebRoute(.post, "/web/posts/{postId}/edit", audience: .signedIn) { page in
                let actor = try page.requireActor()
                let post = try await forums.post(try page.id("postId"), for: actor)
                guard post.source != nil else { throw AccountError.forbidden }
                let body = page.form.text("body") ?? ""
                guard let version = page.form["version"].flatMap({ Int($0) }) else {
                    return self.editForm(page, post: post, body: body, version: post.version, error: page.t("error_422"))
                }
                if let problem = ForumPages.bodyProblem(body, forums: forums) {
                    return self.editForm(page, post: post, body: body, version: version, error: page.t(problem, ForumPages.limits(forums, page)))
                }
                let edited: ForumPost
                do {
                    edited = try await forums.edit(post.id, source: body, title: nil, expectedVersion: version, by: actor)
                } catch ForumError.editConflict(_, let current) {
                    // The member's text stays; the current text is shown beside it, and saving again replaces it knowingly.
                    let latest = try await forums.post(post.id, for: actor)
                    return self.editForm(
                        page, post: latest, body: body, version: current, error: page.t("forum_error_edit_conflict"), current: latest.source,
                        status: .conflict
                    )
                } catch AccountError.invalidInput {
                    return self.editForm(page, post: post, body: body, version: version, error: page.t("error_422"))
                }
                let done = edited.state == .pending && post.state == .published ? "post-edit-pending" : "post-edited"
                return page.redirect("/web/topics/\(ForumPages.lower(post.topicId))?done=\(done)")
            },
            WebRoute(.get, "/web/posts/{postId}/history", audience: .signedIn) { page in
                let actor = try page.requireActor()
                let postID = try page.id("postId")
                let revisions = try await forums.revisions(of: postID, by: actor)
                let post = try await forums.post(postID, for: actor)
                return page.page("forum-history", title: page.t("forum_history_title"), ForumPages.present([
                    "post": ["id": ForumPages.lower(post.id), "topicId": ForumPages.lower(post.topicId)],
                    "revisions": revisions.reversed().map { revision in
                        [
                            "version": page.number(revision.version), "who": revision.writtenByName ?? page.t("forum_unknown_author"),
                            "when": page.date(revision.writtenAt),
                            "lines": revision.diff.map { line in
                                ["text": line, "added": line.hasPrefix("+ "), "removed": line.hasPrefix("- ")]
                            },
                        ] as [String: Any]
                    },
                ]))
            },
        ]
    }

    /// "true" or "false", else nil.
    static func flag(_ value: String?) -> Bool? {
        switch value {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// The topic page the form was on (the `after` cursor it carried), at the post.
    static func back(to post: ForumPost, page: WebRequest, done: String? = nil) -> String {
        var query: [String] = []
        if let after = page.form.text("after"), after.allSatisfy(\.isNumber), after.count < 20 { query.append("after=\(after)") }
        if let done { query.append("done=\(done)") }
        return "/web/topics/\(ForumPages.lower(post.topicId))" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
            + "#post-\(ForumPages.lower(post.id))"
    }

    static func flagForm(_ page: WebRequest, post: ForumPost, error: String? = nil) -> Response {
        let chosen = page.form["reason"]
        return page.page("forum-flag", title: page.t("forum_flag_title"), status: error == nil ? .ok : .unprocessableContent, ForumPages.present([
            "post": ["id": ForumPages.lower(post.id), "topicId": ForumPages.lower(post.topicId)],
            "reasons": FlagReason.allCases.map { reason in
                ["value": reason.rawValue, "label": page.t("forum_flag_reason_" + reason.rawValue.replacing("-", with: "_")),
                 "selected": reason.rawValue == chosen]
            },
            "note": page.form["note"] ?? "",
            "error": error,
        ]))
    }

    static func editForm(
        _ page: WebRequest, post: ForumPost, body: String, version: Int, error: String? = nil, current: String? = nil,
        status: HTTPResponse.Status = .unprocessableContent
    ) -> Response {
        page.page("forum-edit", title: page.t("forum_edit_title"), status: error == nil ? .ok : status, ForumPages.present([
            "post": ["id": ForumPages.lower(post.id), "topicId": ForumPages.lower(post.topicId)],
            "body": body, "version": String(version), "current": current,
            "error": error,
        ]))
    }
}
