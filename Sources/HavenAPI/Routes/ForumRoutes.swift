import Foundation
import HavenCore
import Hummingbird

/// Categories, topics and posts, reactions, bookmarks, reports, unread topics and search.
enum ForumRoutes {
    struct CategoryBody: JSONRequest {
        static let fields: Set<String> = [
            "slug", "parent_id", "names", "descriptions", "position", "visibility", "visible_groups", "visible_organisations", "posting",
            "posting_groups", "premoderated", "pseudonymous",
        ]
        var slug: String
        var parentId: UUID?
        var names: [String: String]
        var descriptions: [String: String]?
        var position: Int?
        var visibility: CategoryRules.Audience?
        var visibleGroups: [UUID]?
        var visibleOrganisations: [UUID]?
        var posting: CategoryRules.Audience?
        var postingGroups: [UUID]?
        var premoderated: Bool?
        var pseudonymous: Bool?

        var draft: CategoryDraft {
            CategoryDraft(
                slug: self.slug, parentId: self.parentId, names: self.names, descriptions: self.descriptions ?? [:], position: self.position ?? 0,
                rules: ForumCategory.Rules(
                    visibility: self.visibility ?? .members, visibleGroups: self.visibleGroups ?? [],
                    visibleOrganisations: self.visibleOrganisations ?? [], posting: self.posting ?? .members,
                    postingGroups: self.postingGroups ?? [], premoderated: self.premoderated ?? false
                ),
                pseudonymous: self.pseudonymous
            )
        }
    }

    struct NewTopic: JSONRequest {
        static let fields: Set<String> = ["title", "body", "language"]
        var title: String
        var body: String
        var language: String
    }

    struct NewReply: JSONRequest {
        static let fields: Set<String> = ["body", "reply_to", "quote"]
        var body: String
        var replyTo: UUID?
        var quote: Bool?
    }

    struct Edit: JSONRequest {
        static let fields: Set<String> = ["body", "version", "title"]
        var body: String
        var version: Int
        var title: String?
    }

    struct Flag: JSONRequest {
        static let fields: Set<String> = ["reason", "note"]
        var reason: String
        var note: String?
    }

    static func routes(services: HavenServices) -> [APIRoute] {
        let forums = services.forums
        @Sendable func id(_ context: HavenRequestContext) throws -> UUID { try context.parameters.require("id", as: UUID.self) }
        @Sendable func after(_ request: Request) throws -> String? { (try request.query("after", Parse.cursor)) ?? nil }
        return [
            APIRoute(.get, "/forums/categories", audience: .signedIn(scope: .read)) { _, context in
                JSONBody.snakeCase(try await forums.categories(for: try context.requireActor()))
            },
            APIRoute(.post, "/forums/categories", audience: .signedIn(scope: .admin)) { request, context in
                let body = try await request.decodeJSON(CategoryBody.self, context: context)
                return JSONBody.snakeCase(try await forums.createCategory(body.draft, by: try context.requireActor()), status: .created)
            },
            APIRoute(.put, "/forums/categories/{id}", audience: .signedIn(scope: .admin)) { request, context in
                let body = try await request.decodeJSON(CategoryBody.self, context: context)
                return JSONBody.snakeCase(try await forums.updateCategory(try id(context), with: body.draft, by: try context.requireActor()))
            },
            APIRoute(.get, "/forums/categories/{id}/topics", audience: .signedIn(scope: .read)) { request, context in
                JSONBody.snakeCase(try await forums.topics(in: try id(context), after: try after(request), for: try context.requireActor()))
            },
            APIRoute(.post, "/forums/categories/{id}/topics", audience: .signedIn(scope: .write)) { request, context in
                let body = try await request.decodeJSON(NewTopic.self, context: context)
                let page = try await forums.createTopic(
                    in: try id(context), title: body.title, body: body.body, language: body.language, by: try context.requireActor()
                )
                return JSONBody.snakeCase(page, status: .created)
            },
            APIRoute(.get, "/forums/topics/{id}", audience: .signedIn(scope: .read)) { request, context in
                JSONBody.snakeCase(try await forums.topicPage(try id(context), after: try after(request), for: try context.requireActor()))
            },
            APIRoute(.post, "/forums/topics/{id}/posts", audience: .signedIn(scope: .write)) { request, context in
                let body = try await request.decodeJSON(NewReply.self, context: context)
                let post = try await forums.reply(
                    to: try id(context), body: body.body, replyTo: body.replyTo, quote: body.quote ?? false, by: try context.requireActor()
                )
                return JSONBody.snakeCase(post, status: .created)
            },
            APIRoute(.get, "/forums/posts/{id}", audience: .signedIn(scope: .read)) { _, context in
                JSONBody.snakeCase(try await forums.post(try id(context), for: try context.requireActor()))
            },
            APIRoute(.patch, "/forums/posts/{id}", audience: .signedIn(scope: .write)) { request, context in
                let body = try await request.decodeJSON(Edit.self, context: context)
                return JSONBody.snakeCase(try await forums.edit(
                    try id(context), source: body.body, title: body.title, expectedVersion: body.version, by: try context.requireActor()
                ))
            },
            APIRoute(.delete, "/forums/posts/{id}", audience: .signedIn(scope: .write)) { _, context in
                try await forums.delete(try id(context), by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.get, "/forums/posts/{id}/revisions", audience: .signedIn(scope: .moderate)) { _, context in
                JSONBody.snakeCase(try await forums.revisions(of: try id(context), by: try context.requireActor()))
            },
            APIRoute(.put, "/forums/posts/{id}/reactions/{kind}", audience: .signedIn(scope: .write)) { _, context in
                let kind = try context.parameters.require("kind")
                try await forums.setReaction(kind, on: try id(context), true, by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.delete, "/forums/posts/{id}/reactions/{kind}", audience: .signedIn(scope: .write)) { _, context in
                let kind = try context.parameters.require("kind")
                try await forums.setReaction(kind, on: try id(context), false, by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.put, "/forums/posts/{id}/bookmark", audience: .signedIn(scope: .write)) { _, context in
                try await forums.setBookmark(on: try id(context), true, by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.delete, "/forums/posts/{id}/bookmark", audience: .signedIn(scope: .write)) { _, context in
                try await forums.setBookmark(on: try id(context), false, by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.post, "/forums/posts/{id}/flags", audience: .signedIn(scope: .write)) { request, context in
                let body = try await request.decodeJSON(Flag.self, context: context)
                try await forums.flag(try id(context), reason: body.reason, note: body.note ?? "", by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.get, "/forums/bookmarks", audience: .signedIn(scope: .read)) { request, context in
                JSONBody.snakeCase(try await forums.bookmarks(after: try after(request), for: try context.requireActor()))
            },
            APIRoute(.get, "/forums/unread", audience: .signedIn(scope: .read)) { request, context in
                JSONBody.snakeCase(try await forums.unreadTopics(after: try after(request), for: try context.requireActor()))
            },
            APIRoute(.get, "/forums/submissions", audience: .signedIn(scope: .read)) { request, context in
                JSONBody.snakeCase(try await forums.submissions(after: try after(request), for: try context.requireActor()))
            },
            APIRoute(.get, "/forums/search", audience: .signedIn(scope: .read)) { request, context in
                guard let words = try request.query("q", Parse.text) else {
                    throw Problem(.invalidInput, detail: "Say what to search for with q.")
                }
                let query = SearchQuery(
                    words: words, categoryId: try request.query("category", Parse.uuid), authorId: try request.query("author", Parse.uuid),
                    language: try request.query("language", Parse.text), since: try request.query("since", Parse.date),
                    until: try request.query("until", Parse.date), after: try after(request)
                )
                return JSONBody.snakeCase(try await forums.search(query, by: try context.requireActor()))
            },
        ]
    }
}
