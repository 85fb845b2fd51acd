import Foundation
import HavenAPI
import HavenCore
import HavenTesting
import Testing

/// Every route, called by every kind of caller: who gets in and who is refused. A route added
/// without an entry here fails the test.
@Suite struct AuthorisationMatrixTests {
    enum Caller: String, CaseIterable {
        case anonymous, member, readToken, administrator
    }

    enum Outcome: Equatable {
        /// Let through to the handler (any answer but 401/403).
        case allowed
        case refused
    }

    /// The expected outcome per operation and caller. Credential endpoints are open to all.
    static let expectations: [String: [Caller: Outcome]] = {
        let everyone: [Caller: Outcome] = [.anonymous: .allowed, .member: .allowed, .readToken: .allowed, .administrator: .allowed]
        let signedInRead: [Caller: Outcome] = [.anonymous: .refused, .member: .allowed, .readToken: .allowed, .administrator: .allowed]
        let sessionsOnly: [Caller: Outcome] = [.anonymous: .refused, .member: .allowed, .readToken: .refused, .administrator: .allowed]
        let administrators: [Caller: Outcome] = [.anonymous: .refused, .member: .refused, .readToken: .refused, .administrator: .allowed]
        return [
            "get /healthz": everyone, "get /readyz": everyone, "get /openapi.yaml": everyone,
            "post /auth/login": everyone, "post /invitations/accept": everyone,
            "post /auth/password-reset": everyone, "post /auth/password-reset/complete": everyone,
            "get /auth/session": signedInRead, "get /me": signedInRead,
            "post /auth/logout": sessionsOnly, "post /auth/reauthenticate": sessionsOnly,
            "patch /me": sessionsOnly, "post /me/password": sessionsOnly, "post /me/email": sessionsOnly,
            "get /me/sessions": sessionsOnly, "delete /me/sessions": sessionsOnly, "delete /me/sessions/{id}": sessionsOnly,
            "post /me/two-factor": sessionsOnly, "post /me/two-factor/confirm": sessionsOnly, "delete /me/two-factor": sessionsOnly,
            "get /me/api-tokens": sessionsOnly, "post /me/api-tokens": sessionsOnly, "delete /me/api-tokens/{id}": sessionsOnly,
            "get /invitations": administrators, "post /invitations": administrators, "delete /invitations/{id}": administrators,
            "post /accounts/{id}/disable": administrators,
        ]
    }()

    /// A body that passes validation, so that only authorisation can refuse the request.
    static var bodies: [String: [String: Any]] { [
        "post /auth/login": ["email": "nobody@example.org", "password": "a long and unusual passphrase"],
        "post /invitations/accept": ["token": "unknown", "display_name": "X", "password": "a long and unusual passphrase"],
        "post /auth/password-reset": ["email": "nobody@example.org"],
        "post /auth/password-reset/complete": ["token": "unknown", "new_password": "a long and unusual passphrase"],
        "post /auth/reauthenticate": ["password": "a long and unusual passphrase"],
        "patch /me": ["display_name": "Matrix"],
        "post /me/password": ["current_password": "a long and unusual passphrase", "new_password": "another long unusual passphrase"],
        "post /me/email": ["email": "matrix-new@example.org"],
        "post /me/two-factor/confirm": ["code": "000000"],
        "delete /me/two-factor": ["password": "a long and unusual passphrase"],
        "post /me/api-tokens": ["name": "matrix", "scopes": ["read"], "expires_in_days": 1],
        "post /invitations": ["email": "matrix-invitee@example.org", "role": "member"],
    ] }

    @Test func everyRouteHasAnEntryAndEveryCallerGetsWhatTheEntrySays() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let routes = HavenServer.routes(services: server.services)
                let missing = Set(routes.map(\.operationKey)).subtracting(Self.expectations.keys)
                #expect(missing.isEmpty, "routes without an authorisation entry: \(missing.sorted())")

                let (admin, _) = try await server.administrator()
                let member = try await server.signUp(email: "matrix@example.org")
                let created = try await member.send("POST", "/me/api-tokens", json: ["name": "matrix", "scopes": ["read"], "expires_in_days": 1])
                let readToken = try #require(created.json["secret"] as? String)
                let anonymous = SessionClient(probe: server.client)
                let placeholder = UUID().uuidString.lowercased()

                for route in routes.sorted(by: { $0.operationKey < $1.operationKey }) {
                    guard let expected = Self.expectations[route.operationKey] else { continue }
                    // Sign-out would end the callers' sessions: it goes last, below.
                    if route.operationKey == "post /auth/logout" { continue }
                    let path = route.path.replacing("{id}", with: placeholder)
                    let method = route.operationKey.split(separator: " ").first.map { $0.uppercased() } ?? "GET"
                    for caller in Caller.allCases {
                        let client: SessionClient = switch caller {
                        case .anonymous: anonymous
                        case .member: member
                        case .readToken: anonymous
                        case .administrator: admin
                        }
                        let headers = caller == .readToken ? ["Authorization": "Bearer \(readToken)"] : [:]
                        let reply = try await client.send(method, path, json: Self.bodies[route.operationKey], headers: headers)
                        let refusedByAuthorisation = [401, 403].contains(reply.status)
                            && ["urn:haven:problem:unauthenticated", "urn:haven:problem:forbidden"].contains(reply.json["type"] as? String)
                        let outcome: Outcome = refusedByAuthorisation ? .refused : .allowed
                        #expect(outcome == expected[caller], "\(route.operationKey) as \(caller): \(reply.status) \(reply.text)")
                        #expect(reply.status < 500, "\(route.operationKey) as \(caller): \(reply.status)")
                    }
                }
                #expect(try await anonymous.send("POST", "/auth/logout").status == 401)
                #expect(try await anonymous.send("POST", "/auth/logout", headers: ["Authorization": "Bearer \(readToken)"]).status == 403)
                #expect(try await member.send("POST", "/auth/logout").status == 204)
            }
        }
    }
}
