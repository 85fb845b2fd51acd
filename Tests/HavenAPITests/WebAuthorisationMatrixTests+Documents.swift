import Foundation
import HavenCore
import HavenTesting

extension WebAuthorisationMatrixTests {
    /// Documents, search and notifications. The fixture document is an approved library document
    /// an administrator uploaded: every signed-in caller sees it, only staff may change it.
    static let documents: [String: Row] = [
        "get /web/documents": signedIn, "get /web/documents/new": signedIn, "post /web/documents": signedIn,
        "get /web/documents/{documentId}": signedIn,
        "post /web/documents/{documentId}/versions": staff, "post /web/documents/{documentId}/delete": staff,
        "get /web/search": signedIn,
        "get /web/notifications": signedIn, "post /web/notifications/read": signedIn,
        "get /web/notifications/posts/{postId}": signedIn,
        "get /web/notifications/preferences": signedIn, "post /web/notifications/preferences": signedIn,
    ]

    /// A library document (`{documentId}`) that every member sees (`{postId}` comes from the forums' fixtures).
    static func documentFixtures(_ server: TestServer) async throws -> [String: String] {
        let uploader = try await server.signUp(email: "librarian@haven.test", role: .administrator)
        let uploaded = try await uploader.uploadRaw(Data("A guide for everyone.\n".utf8), metadata: libraryMetadata("Guide", extra: ["filename": "guide.txt"]))
        return ["{documentId}": (uploaded.json["id"] as? String ?? "").lowercased()]
    }
}
