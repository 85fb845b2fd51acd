import Foundation
import HavenAPI
import HavenCore
import HavenSchema
import HavenTesting
import Testing

@Suite struct OpenAPIConsistencyTests {
    func registeredRoutes() async throws -> [APIRoute] {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database) { server in HavenServer.routes(services: server.services) }
        }
    }

    @Test func routerAndDocumentDeclareTheSameOperations() async throws {
        let routes = Set(try await registeredRoutes().map(\.operationKey))
        let documented = Set(OpenAPIDocument.operations.map(\.key))
        #expect(!routes.isEmpty)
        #expect(routes.subtracting(documented).isEmpty, "routes missing from openapi.yaml")
        #expect(documented.subtracting(routes).isEmpty, "operations in openapi.yaml without a route")
    }

    @Test func publicOperationsAreExactlyThoseDeclaredPublic() async throws {
        let routes = try await registeredRoutes()
        let documented = Dictionary(uniqueKeysWithValues: OpenAPIDocument.operations.map { ($0.key, $0.isPublic) })
        for route in routes {
            let key = route.operationKey
            #expect(documented[key] == (route.audience == .everyone), "\(key): security in openapi.yaml disagrees with the route")
        }
        // Only the few operations that must work signed-out may be public.
        let allowedPublic: Set<String> = [
            "get /healthz", "get /readyz", "get /openapi.yaml", "post /auth/login", "post /invitations/accept",
            "post /auth/password-reset", "post /auth/password-reset/complete",
            // One-click unsubscribe from a mail client: the token in the link is the authority.
            "post /digest/unsubscribe",
            // The privacy notice: people read what is kept about them before they join.
            "get /privacy",
        ]
        let publicRoutes = Set(routes.filter { $0.audience == .everyone }.map(\.operationKey))
        #expect(publicRoutes.isSubset(of: allowedPublic))
    }

    /// Every kind of notification is in the document's enum and has a preference (a kind added
    /// to the code but not to the document made every preferences response invalid).
    @Test func everyNotificationKindIsDocumentedWithItsPreference() {
        let text = OpenAPIDocument.text
        let enumLine = text.split(separator: "\n").first { $0.contains("enum: [reply, mention") }.map(String.init) ?? ""
        let documented = Set((enumLine.split(separator: "[").last ?? "").dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        let preferences = text.components(separatedBy: "    NotificationPreferences:").last?.components(separatedBy: "\n    Profile").first ?? ""
        #expect(documented.count == NotificationKind.allCases.count, "\(documented)")
        for kind in NotificationKind.allCases {
            #expect(documented.contains(kind.rawValue), "\(kind.rawValue) is not in NotificationKind")
            #expect(preferences.contains("            \(kind.rawValue): "), "\(kind.rawValue) has no preference in NotificationPreferences")
        }
    }
}
