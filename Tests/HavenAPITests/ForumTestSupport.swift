import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

extension TestServer {
    /// The id of the seeded or created category with `slug`.
    func category(_ slug: String) async throws -> String {
        let id = try await self.services.pool.query("SELECT id FROM forum_categories WHERE slug = \(slug)").first?.decode(column: 0, as: UUID.self)
        return try #require(id, "no category \(slug)").uuidString.lowercased()
    }
}

extension SessionClient {
    /// Starts a topic; returns the topic id, its first post's id and the reply.
    @discardableResult
    func startTopic(in category: String, title: String, body: String, language: String = "en") async throws
        -> (topic: String, post: String, reply: HTTPProbe.Reply)
    {
        let reply = try await self.send("POST", "/forums/categories/\(category)/topics", json: ["title": title, "body": body, "language": language])
        #expect(reply.status == 201, "\(reply.text)")
        let topic = (reply.json["topic"] as? [String: Any])?["id"] as? String ?? ""
        let post = ((reply.json["posts"] as? [[String: Any]])?.first?["id"] as? String) ?? ""
        return (topic, post, reply)
    }

    /// Replies in a topic; returns the new post's id and the reply.
    @discardableResult
    func replyIn(_ topic: String, _ body: String, extra: [String: Any] = [:]) async throws -> (post: String, reply: HTTPProbe.Reply) {
        let reply = try await self.send("POST", "/forums/topics/\(topic)/posts", json: extra.merging(["body": body]) { $1 })
        return (reply.json["id"] as? String ?? "", reply)
    }

    /// The ids of the posts on a topic's first page as this client sees them.
    func postIDs(in topic: String) async throws -> [String] {
        let page = try await self.send("GET", "/forums/topics/\(topic)")
        return (page.json["posts"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    /// The ids of the posts a search finds.
    func search(_ query: [String: String]) async throws -> (ids: [String], reply: HTTPProbe.Reply) {
        var components = URLComponents()
        components.path = "/forums/search"
        components.queryItems = query.sorted(by: { $0.key < $1.key }).map { URLQueryItem(name: $0.key, value: $0.value) }
        let reply = try await self.send("GET", components.string ?? "/forums/search")
        return ((reply.json["items"] as? [[String: Any]] ?? []).compactMap { $0["post_id"] as? String }, reply)
    }
}
