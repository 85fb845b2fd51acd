import Foundation
import HavenCore
import HavenTesting
import Testing

extension WebAuthorisationMatrixTests {
    /// A post's edit form and its target: its author and staff, not another member (the fixture
    /// post is the bystander's).
    static let authorAndStaff = row(.allowed, [.anonymous: .signIn, .member: .refused])

    static let forums: [String: Row] = [
        "get /web/categories/{categoryId}": signedIn,
        "get /web/categories/{categoryId}/new": signedIn,
        "post /web/categories/{categoryId}/topics": signedIn,
        "get /web/topics/{topicId}": signedIn,
        "post /web/topics/{topicId}/replies": signedIn,
        "post /web/posts/{postId}/reactions": signedIn,
        "post /web/posts/{postId}/bookmark": signedIn,
        "get /web/posts/{postId}/flag": signedIn,
        "post /web/posts/{postId}/flags": signedIn,
        "get /web/posts/{postId}/edit": authorAndStaff,
        "post /web/posts/{postId}/edit": authorAndStaff,
        // Members are refused by HavenCore (a post's history is for moderators).
        "get /web/posts/{postId}/history": staff,
    ]

    /// A members' category and a topic the bystander started in it, with its first post.
    static func forumFixtures(_ server: TestServer, bystander: UUID) async throws -> [String: String] {
        let category = try await server.category("human-rights")
        let actor = Actor(
            accountID: bystander, email: "bystander@example.org", displayName: nil, role: .member, twoFactorEnabled: false,
            credential: .session(id: UUID(), authenticatedAt: Date())
        )
        let page = try await server.services.forums.createTopic(
            in: try #require(UUID(uuidString: category)), title: "A fixture topic", body: "Its first post.", language: "en", by: actor
        )
        let post = try #require(page.posts.first)
        return [
            "{categoryId}": category, "{topicId}": page.topic.id.uuidString.lowercased(), "{postId}": post.id.uuidString.lowercased(),
        ]
    }
}
