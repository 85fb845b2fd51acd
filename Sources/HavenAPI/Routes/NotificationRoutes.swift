import Foundation
import HavenCore
import Hummingbird

/// The signed-in member's notifications: the inbox, marking read, and how each kind is delivered.
enum NotificationRoutes {
    struct MarkRead: JSONRequest {
        static let fields: Set<String> = ["ids", "all"]
        var ids: [UUID]?
        var all: Bool?
    }

    struct Preferences: JSONRequest {
        static let fields: Set<String> = ["preferences"]
        var preferences: [String: NotificationDelivery]
    }

    struct PreferencesReply: Encodable {
        var preferences: [String: NotificationDelivery]

        init(_ preferences: [NotificationKind: NotificationDelivery]) {
            self.preferences = Dictionary(uniqueKeysWithValues: preferences.map { ($0.key.rawValue, $0.value) })
        }
    }

    struct Marked: Encodable {
        var marked: Int
    }

    struct DigestChange: JSONRequest {
        static let fields: Set<String> = ["frequency"]
        var frequency: DigestFrequency
    }

    struct Unsubscribed: Encodable {
        var digest: DigestFrequency
    }

    static func routes(services: HavenServices) -> [APIRoute] {
        let notifications = services.accounts.notifications
        let digests = services.digests
        @Sendable func id(_ context: HavenRequestContext) throws -> UUID { try context.parameters.require("id", as: UUID.self) }
        return [
            APIRoute(.get, "/me/notifications", audience: .signedIn(scope: .read)) { request, context in
                let after = try request.query("after", Parse.uuid)
                let limit = try request.query("limit") { Int($0).flatMap { (1...100).contains($0) ? $0 : nil } } ?? 50
                let unread = try request.query("unread") { ["true": true, "false": false][$0] } ?? false
                return JSONBody.snakeCase(try await notifications.inbox(for: try context.requireActor(), after: after, limit: limit, unreadOnly: unread))
            },
            APIRoute(.post, "/me/notifications/read", audience: .signedIn(scope: .write)) { request, context in
                let body = try await request.decodeJSON(MarkRead.self, context: context)
                guard (body.ids != nil) != (body.all == true) else {
                    throw Problem(.invalidInput, detail: "Give either ids (at most 100) or \"all\": true.")
                }
                return JSONBody.snakeCase(Marked(marked: try await notifications.markRead(body.ids, for: try context.requireActor())))
            },
            APIRoute(.get, "/me/notification-preferences", audience: .signedIn(scope: .read)) { _, context in
                JSONBody.snakeCase(PreferencesReply(try await notifications.preferences(for: try context.requireActor())))
            },
            APIRoute(.put, "/me/notification-preferences", audience: .signedIn(scope: .write)) { request, context in
                let body = try await request.decodeJSON(Preferences.self, context: context)
                var changes: [NotificationKind: NotificationDelivery] = [:]
                for (name, delivery) in body.preferences {
                    guard let kind = NotificationKind(rawValue: name) else { throw Problem(.invalidInput, detail: "There is no notification kind \"\(name.prefix(40))\".") }
                    changes[kind] = delivery
                }
                return JSONBody.snakeCase(PreferencesReply(try await notifications.setPreferences(changes, for: try context.requireActor())))
            },
                    APIRoute(.get, "/me/digest", audience: .signedIn(scope: .read)) { _, context in
                JSONBody.snakeCase(try await digests.settings(for: try context.requireActor()))
            },
            APIRoute(.put, "/me/digest", audience: .signedIn(scope: .write)) { request, context in
                let body = try await request.decodeJSON(DigestChange.self, context: context)
                return JSONBody.snakeCase(try await digests.setFrequency(body.frequency, for: try context.requireActor()))
            },
            APIRoute(.put, "/forums/categories/{id}/follow", audience: .signedIn(scope: .write)) { _, context in
                try await digests.follow(try id(context), by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.delete, "/forums/categories/{id}/follow", audience: .signedIn(scope: .write)) { _, context in
                try await digests.unfollow(try id(context), by: try context.requireActor())
                return Response(status: .noContent)
            },
            // RFC 8058 one-click unsubscribe: the mail client POSTs to the List-Unsubscribe link; the
            // token in it is the authority, so no session is needed.
            APIRoute(.post, "/digest/unsubscribe", audience: .everyone) { request, _ in
                guard let token = try request.query("token", { $0.count <= 200 ? $0 : nil }) else {
                    throw Problem(.invalidInput, detail: "The link has no token.")
                }
                try await digests.unsubscribe(token: token)
                return JSONBody.snakeCase(Unsubscribed(digest: .off))
            },
        ]
    }
}
