import Foundation
import HavenAPI
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// Every page and form target of the web interface, opened by every kind of caller: who gets the
/// page, who is sent to sign in, who is refused (403) and who is told it does not exist (404). A
/// route without a row fails, as in the API's matrix.
@Suite struct WebAuthorisationMatrixTests {
    enum Caller: String, CaseIterable, Sendable {
        case anonymous, member, moderator, administrator
    }

    enum Outcome: Equatable, Sendable {
        /// The page (any status but the three below: a form may well refuse an empty body).
        case allowed
        /// 303 to the sign-in page.
        case signIn
        /// 403.
        case refused
        /// 404.
        case hidden
    }

    typealias Row = [Caller: Outcome]

    static func row(_ default: Outcome, _ overrides: [Caller: Outcome] = [:]) -> Row {
        var row = Dictionary(uniqueKeysWithValues: Caller.allCases.map { ($0, `default`) })
        row.merge(overrides) { $1 }
        return row
    }

    /// Open to all (a signed-out visitor's form still needs its form token, which the test sends).
    static let everyone = row(.allowed)
    /// Signed-in people.
    static let signedIn = row(.allowed, [.anonymous: .signIn])
    /// Moderators and administrators.
    static let staff = row(.refused, [.anonymous: .signIn, .moderator: .allowed, .administrator: .allowed])
    /// Administrators.
    static let administrators = row(.refused, [.anonymous: .signIn, .administrator: .allowed])

    /// The rows, by route key; each page area adds its table.
    static let expectations: [String: Row] = core.merging(forums) { $1 }.merging(admin) { $1 }.merging(account) { $1 }
        .merging(documents) { $1 }

    static let core: [String: Row] = [
        "get /web/sign-in": everyone, "post /web/sign-in": everyone, "post /web/sign-in/code": everyone,
        "post /web/sign-out": signedIn, "post /web/language": everyone, "get /today": everyone,
        "get /web/": signedIn, "get /web/reauthenticate": signedIn, "post /web/reauthenticate": signedIn,
    ]

    /// What the cast and the fixtures are, for the routes that need ids.
    struct Fixtures: Sendable {
        var ids: [String: String]
    }

    /// Ids to put in a route's `{…}` parameters: each area adds what its routes need.
    static func makeFixtures(_ server: TestServer, member: UUID, bystander: UUID) async throws -> Fixtures {
        var ids = ["{accountId}": bystander.uuidString.lowercased()]
        ids.merge(try await self.forumFixtures(server, bystander: bystander)) { $1 }
        // Administration: a proposed organisation to approve and suspend; "{version}" is a
        // document version number (the documents' ids come from their area).
        let founder = try await server.signUp(email: "founder@example.org")
        let proposed = try await founder.send(
            "POST", "/organisations", json: ["names": ["en": "Voices"], "country": "iq", "kind": "other", "thematic_areas": ["human-rights"], "profile": ""]
        )
        ids["{organisationId}"] = proposed.json["id"] as? String
        ids["{version}"] = "1"
        ids.merge(try await Self.accountFixtures(server, bystander: bystander)) { $1 }
        ids.merge(try await self.documentFixtures(server)) { $1 }
        return Fixtures(ids: ids)
    }

    static func path(_ template: String, _ fixtures: Fixtures) -> String {
        var path = template
        for (name, value) in fixtures.ids { path = path.replacing(name, with: value) }
        // A parameter no fixture names gets an id that exists nowhere.
        return path.replacing(/\{[a-zA-Z]+\}/) { _ in UUID().uuidString.lowercased() }
    }

    @Test func everyWebRouteHasARowAndEveryCallerGetsWhatTheRowSays() async throws {
        var accounts = lenientAccounts()
        // Staff sign in here with their password alone; the second-factor rule has its own test.
        accounts.requireSecondFactorForStaff = false
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: accounts, forums: lenientForums()) { server in
                let routes = WebInterface.routes(services: server.services)
                let keys = Set(routes.map(\.key)).filter { !$0.hasPrefix("get /web/assets/") }
                #expect(keys.subtracting(Self.expectations.keys).isEmpty, "web routes without a row: \(keys.subtracting(Self.expectations.keys).sorted())")
                #expect(Set(Self.expectations.keys).subtracting(keys).isEmpty, "rows for no route: \(Set(Self.expectations.keys).subtracting(keys).sorted())")

                let emails: [Caller: String] = [.member: "member@example.org", .moderator: "moderator@haven.test", .administrator: "admin@haven.test"]
                let roles: [Caller: Role] = [.member: .member, .moderator: .moderator, .administrator: .administrator]
                for (caller, email) in emails { _ = try await server.signUp(email: email, role: roles[caller] ?? .member) }
                let bystander = try await server.signUp(email: "bystander@example.org")
                let memberID = try #require(try await server.services.pool.query("SELECT id FROM accounts WHERE email = 'member@example.org'").first?.decode(column: 0, as: UUID.self))
                let fixtures = try await Self.makeFixtures(server, member: memberID, bystander: try await bystander.accountID())

                func client(_ caller: Caller) async throws -> WebClient {
                    let web = WebClient(probe: server.client)
                    if let email = emails[caller] {
                        let reply = try await web.fill("/web/sign-in", submitTo: "/web/sign-in", [("email", email), ("password", "a long and unusual passphrase")])
                        #expect(reply.status == 303, "\(caller) signs in: \(reply.text)")
                    }
                    return web
                }
                var signedIn: [Caller: WebClient] = [:]
                for caller in Caller.allCases { signedIn[caller] = try await client(caller) }

                for route in routes.sorted(by: { $0.key < $1.key }) where !route.key.hasPrefix("get /web/assets/") {
                    guard let row = Self.expectations[route.key] else { continue }
                    let path = Self.path(route.path, fixtures)
                    for caller in Caller.allCases {
                        let expected = row[caller] ?? .refused
                        let reply: HTTPProbe.Reply
                        if route.key.hasPrefix("get ") {
                            reply = try await (signedIn[caller] ?? WebClient(probe: server.client)).get(path)
                        } else {
                            // A fresh session for each form (sign-out and the like end theirs).
                            let web = try await client(caller)
                            let page = try await web.get(caller == .anonymous ? "/web/sign-in" : "/web/")
                            reply = try await web.submit(path, [], from: page)
                        }
                        let outcome: Outcome
                        if reply.status == 303, reply.header("Location")?.hasPrefix("/web/sign-in?next=") == true {
                            outcome = .signIn
                        } else if reply.status == 403 {
                            outcome = .refused
                        } else if reply.status == 404 {
                            outcome = .hidden
                        } else {
                            outcome = .allowed
                        }
                        #expect(outcome == expected, "\(route.key) as \(caller): \(reply.status) \(reply.header("Location") ?? "")")
                        #expect(reply.status < 500, "\(route.key) as \(caller): \(reply.status)")
                    }
                }
            }
        }
    }

    @Test func staffWithoutASecondFactorAreSentToEnrolIt() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                _ = try await server.signUp(email: "moderator@haven.test", role: .moderator)
                let web = WebClient(probe: server.client)
                _ = try await web.fill("/web/sign-in", submitTo: "/web/sign-in", [("email", "moderator@haven.test"), ("password", "a long and unusual passphrase")])
                let home = try await web.get("/web/")
                #expect(home.status == 303)
                #expect(home.header("Location") == "/web/account/two-factor")
            }
        }
    }
}
