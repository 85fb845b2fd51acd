import Foundation
import HavenCore
import Hummingbird

/// The moderators' side of the forums: the queue, decisions, hiding, reports and topic upkeep.
enum ModerationRoutes {
    struct Decision: JSONRequest {
        static let fields: Set<String> = ["decision", "reason", "body", "version"]
        enum Kind: String, Decodable { case approve, reject }
        var decision: Kind
        var reason: String?
        var body: String?
        var version: Int?
    }

    struct Reason: JSONRequest {
        static let fields: Set<String> = ["reason"]
        var reason: String
    }

    struct Resolution: JSONRequest {
        static let fields: Set<String> = ["resolution", "note"]
        var resolution: FlagResolution
        var note: String?
    }

    struct TopicChange: JSONRequest {
        static let fields: Set<String> = ["locked", "pinned", "category_id"]
        var locked: Bool?
        var pinned: Bool?
        var categoryId: UUID?
    }

    struct Merge: JSONRequest {
        static let fields: Set<String> = ["into"]
        var into: UUID
    }

    static func routes(services: HavenServices) -> [APIRoute] {
        let forums = services.forums
        @Sendable func id(_ context: HavenRequestContext) throws -> UUID { try context.parameters.require("id", as: UUID.self) }
        return [
            APIRoute(.get, "/moderation/queue", audience: .signedIn(scope: .moderate)) { request, context in
                JSONBody.snakeCase(try await forums.moderationQueue(
                    afterPost: (try request.query("after_post", Parse.cursor)) ?? nil, afterFlag: (try request.query("after_flag", Parse.cursor)) ?? nil,
                    by: try context.requireActor()
                ))
            },
            APIRoute(.post, "/moderation/posts/{id}/decision", audience: .signedIn(scope: .moderate)) { request, context in
                let body = try await request.decodeJSON(Decision.self, context: context)
                let decision: ModerationDecision
                switch body.decision {
                case .approve:
                    guard body.reason == nil else { throw Problem(.invalidInput, detail: "A reason goes with a rejection only.") }
                    decision = .approve(editedSource: body.body, expectedVersion: body.version)
                case .reject:
                    guard body.body == nil, body.version == nil else { throw Problem(.invalidInput, detail: "A rejection takes a reason only.") }
                    decision = .reject(reason: body.reason ?? "")
                }
                try await forums.decide(try id(context), decision, by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.post, "/moderation/posts/{id}/hide", audience: .signedIn(scope: .moderate)) { request, context in
                let body = try await request.decodeJSON(Reason.self, context: context)
                try await forums.hide(try id(context), reason: body.reason, by: try context.requireActor())
                return Response(status: .noContent)
            },
            // Administrators only, checked before the body is read: nobody else learns even
            // whether their request would have been well formed.
            APIRoute(.post, "/moderation/posts/{id}/reveal", audience: .signedIn(scope: .admin)) { request, context in
                let actor = try context.requireActor()
                try Access.require(actor, .revealPostAuthor)
                let body = try await request.decodeJSON(Reason.self, context: context)
                return JSONBody.snakeCase(try await forums.revealAuthor(of: try id(context), reason: body.reason, by: actor))
            },
            APIRoute(.post, "/moderation/posts/{id}/restore", audience: .signedIn(scope: .moderate)) { _, context in
                try await forums.restore(try id(context), by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.post, "/moderation/flags/{id}/resolve", audience: .signedIn(scope: .moderate)) { request, context in
                let body = try await request.decodeJSON(Resolution.self, context: context)
                try await forums.resolveFlag(try id(context), body.resolution, note: body.note ?? "", by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.patch, "/moderation/topics/{id}", audience: .signedIn(scope: .moderate)) { request, context in
                let body = try await request.decodeJSON(TopicChange.self, context: context)
                let changes = TopicChanges(locked: body.locked, pinned: body.pinned, categoryId: body.categoryId)
                return JSONBody.snakeCase(try await forums.changeTopic(try id(context), changes, by: try context.requireActor()))
            },
            APIRoute(.post, "/moderation/topics/{id}/merge", audience: .signedIn(scope: .moderate)) { request, context in
                let body = try await request.decodeJSON(Merge.self, context: context)
                try await forums.merge(try id(context), into: body.into, by: try context.requireActor())
                return Response(status: .noContent)
            },
        ]
    }
}
