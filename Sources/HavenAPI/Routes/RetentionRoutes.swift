import Foundation
import HavenCore
import Hummingbird

/// The privacy notice (public: people read it before they join) and the per-category retention
/// period of forum posts (whoever manages categories).
enum RetentionRoutes {
    struct CategoryRetentionBody: JSONRequest {
        static let fields: Set<String> = ["days"]
        var days: Int
    }

    /// A category's retention period, as set (no `days`: kept).
    struct CategoryRetention: Encodable {
        var categoryId: UUID
        var days: Int?
    }

    static func routes(services: HavenServices) -> [APIRoute] {
        let forums = services.forums
        @Sendable func id(_ context: HavenRequestContext) throws -> UUID { try context.parameters.require("id", as: UUID.self) }
        return [
            APIRoute(.get, "/privacy", audience: .everyone) { _, _ in
                JSONBody.snakeCase(services.privacyNotice)
            },
            APIRoute(.get, "/forums/categories/{id}/retention", audience: .signedIn(scope: .admin)) { _, context in
                let category = try id(context)
                let days = try await forums.retention(ofCategory: category, by: try context.requireActor())
                return JSONBody.snakeCase(CategoryRetention(categoryId: category, days: days))
            },
            APIRoute(.put, "/forums/categories/{id}/retention", audience: .signedIn(scope: .admin)) { request, context in
                let body = try await request.decodeJSON(CategoryRetentionBody.self, context: context)
                let category = try id(context)
                try await forums.setRetention(days: body.days, ofCategory: category, by: try context.requireActor())
                return JSONBody.snakeCase(CategoryRetention(categoryId: category, days: body.days))
            },
            APIRoute(.delete, "/forums/categories/{id}/retention", audience: .signedIn(scope: .admin)) { _, context in
                try await forums.setRetention(days: nil, ofCategory: try id(context), by: try context.requireActor())
                return Response(status: .noContent)
            },
        ]
    }
}
