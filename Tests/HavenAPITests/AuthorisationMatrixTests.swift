import Foundation
import HavenAPI
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// Every route, called by every kind of caller, end to end: who gets through, who is refused
/// (401/403), and who is told the thing does not exist (404). A route without a row fails.
@Suite struct AuthorisationMatrixTests {
    enum Caller: String, CaseIterable {
        case anonymous, member, otherOrganisationMember, organisationAdmin, moderator, administrator, disabled, readToken
    }

    enum Outcome: Equatable {
        case allowed, refused, hidden
    }

    typealias Row = [Caller: Outcome]

    static func row(_ default: Outcome, _ overrides: [Caller: Outcome] = [:]) -> Row {
        var row = Dictionary(uniqueKeysWithValues: Caller.allCases.map { ($0, `default`) })
        row.merge(overrides) { $1 }
        return row
    }

    /// Public: everyone through.
    static let everyone = row(.allowed)
    /// Signed in, read scope suffices.
    static let signedInRead = row(.allowed, [.anonymous: .refused, .disabled: .refused])
    /// Signed in, write scope (the read-only token is refused).
    static let signedInWrite = row(.allowed, [.anonymous: .refused, .disabled: .refused, .readToken: .refused])
    /// Signed in by session only.
    static let sessionsOnly = signedInWrite
    /// One's own session or token by id: someone else's (or nobody's) is not found.
    static let ownThingByID = row(.hidden, [.anonymous: .refused, .disabled: .refused, .readToken: .refused])
    static let administrators = row(.refused, [.administrator: .allowed])
    static let staffRead = row(.refused, [.moderator: .allowed, .administrator: .allowed])
    /// Organisation A's admins and administrators; A's plain members are refused, others are not told A has members.
    static let organisationAdmins = row(.hidden, [
        .anonymous: .refused, .disabled: .refused, .readToken: .refused, .member: .refused,
        .organisationAdmin: .allowed, .administrator: .allowed,
    ])
    /// A published post by the organisation admin: its author and moderators change it; other
    /// members see it, so they are refused rather than told it does not exist.
    static let authorAndModerators = row(.refused, [.organisationAdmin: .allowed, .moderator: .allowed, .administrator: .allowed])
    static let organisationMembers = row(.hidden, [
        .anonymous: .refused, .disabled: .refused, .member: .allowed, .readToken: .allowed,
        .organisationAdmin: .allowed, .administrator: .allowed,
    ])

    /// A document in organisation A's library, by A's admin: A's members and staff read it,
    /// everyone else is not told it exists.
    static let organisationDocument = row(.hidden, [
        .anonymous: .refused, .disabled: .refused, .member: .allowed, .readToken: .allowed,
        .organisationAdmin: .allowed, .moderator: .allowed, .administrator: .allowed,
    ])
    /// That document's uploader and staff change it; A's other members are refused.
    static let uploaderAndStaff = row(.hidden, [
        .anonymous: .refused, .disabled: .refused, .readToken: .refused, .member: .refused,
        .organisationAdmin: .allowed, .moderator: .allowed, .administrator: .allowed,
    ])

    /// Organisation A's contribution to a consultation that asks A: A's members draft it (the
    /// read token reads it); staff and everyone else are not told it exists.
    static let organisationContribution = row(.hidden, [
        .anonymous: .refused, .disabled: .refused, .member: .allowed, .readToken: .allowed, .organisationAdmin: .allowed,
    ])
    /// A's members change its draft (not with a read token); others are not told it exists.
    static let organisationDraft = row(.hidden, [
        .anonymous: .refused, .disabled: .refused, .readToken: .refused, .member: .allowed, .organisationAdmin: .allowed,
    ])
    /// A's admins submit it and consent to its publication; A's plain members are refused.
    static let organisationAdminContribution = row(.hidden, [
        .anonymous: .refused, .disabled: .refused, .readToken: .refused, .member: .refused, .organisationAdmin: .allowed,
    ])

    static let expectations: [String: Row] = [
        "get /healthz": everyone, "get /readyz": everyone, "get /openapi.yaml": everyone, "get /privacy": everyone,
        "post /auth/login": everyone, "post /invitations/accept": everyone,
        "post /auth/password-reset": everyone, "post /auth/password-reset/complete": everyone,
        "get /auth/session": signedInRead, "get /me": signedInRead,
        "post /auth/logout": sessionsOnly, "post /auth/reauthenticate": sessionsOnly,
        "patch /me": signedInWrite, "post /me/password": sessionsOnly, "post /me/email": sessionsOnly,
        "get /me/sessions": sessionsOnly, "delete /me/sessions": sessionsOnly, "delete /me/sessions/{id}": ownThingByID,
        "post /me/two-factor": sessionsOnly, "post /me/two-factor/confirm": sessionsOnly, "delete /me/two-factor": sessionsOnly,
        "post /me/deletion": sessionsOnly, "delete /me/deletion": sessionsOnly,
        "get /me/api-tokens": sessionsOnly, "post /me/api-tokens": sessionsOnly, "delete /me/api-tokens/{id}": ownThingByID,
        "get /me/exports": sessionsOnly, "post /me/exports": sessionsOnly,
        "get /me/exports/{id}": ownThingByID, "get /me/exports/{id}/download": ownThingByID,
        "get /me/notifications": signedInRead, "post /me/notifications/read": signedInWrite,
        "get /me/notification-preferences": signedInRead, "put /me/notification-preferences": signedInWrite,
        "get /document-vetting": administrators, "put /document-vetting": administrators,
        "get /me/digest": signedInRead, "put /me/digest": signedInWrite, "post /digest/unsubscribe": everyone,
        "get /invitations": administrators, "post /invitations": administrators, "delete /invitations/{id}": administrators,
        "post /invitations/{id}/approve": administrators, "post /invitations/join": sessionsOnly,
        "get /accounts": administrators, "get /accounts/{id}": administrators,
        "post /accounts/{id}/disable": administrators, "post /accounts/{id}/enable": administrators,
        "post /accounts/{id}/role": administrators, "post /accounts/{id}/sign-out": administrators,
        "post /accounts/{id}/two-factor-reset": administrators,
        "post /accounts/{id}/deletion": administrators, "delete /accounts/{id}/deletion": administrators,
        "get /two-factor-resets": administrators, "post /two-factor-resets/{id}/approve": administrators,
        "get /groups": staffRead, "post /groups": administrators,
        "post /groups/{id}/members": administrators, "delete /groups/{id}/members/{accountId}": administrators,
        "get /audit": administrators, "get /audit/export": administrators,
        "get /organisations": signedInRead, "post /organisations": signedInWrite,
        "get /organisations/{id}": signedInRead, "patch /organisations/{id}": organisationAdmins,
        "post /organisations/{id}/approve": administrators, "post /organisations/{id}/suspend": administrators,
        "get /organisations/{id}/members": organisationMembers,
        "post /organisations/{id}/members/{accountId}/role": organisationAdmins,
        "delete /organisations/{id}/members/{accountId}": organisationAdmins,
        "post /organisations/{id}/invitations": organisationAdmins,
        "get /directory": signedInRead, "get /outreach/organisations": administrators,
        "get /forums/categories": signedInRead, "post /forums/categories": administrators, "put /forums/categories/{id}": administrators,
        "get /forums/categories/{id}/retention": administrators, "put /forums/categories/{id}/retention": administrators, "delete /forums/categories/{id}/retention": administrators,
        "get /forums/categories/{id}/topics": signedInRead, "post /forums/categories/{id}/topics": signedInWrite,
        "put /forums/categories/{id}/follow": signedInWrite, "delete /forums/categories/{id}/follow": signedInWrite,
        "get /forums/topics/{id}": signedInRead, "post /forums/topics/{id}/posts": signedInWrite,
        "get /forums/posts/{id}": signedInRead, "patch /forums/posts/{id}": authorAndModerators, "delete /forums/posts/{id}": authorAndModerators,
        "get /forums/posts/{id}/revisions": staffRead,
        "put /forums/posts/{id}/reactions/{kind}": signedInWrite, "delete /forums/posts/{id}/reactions/{kind}": signedInWrite,
        "put /forums/posts/{id}/bookmark": signedInWrite, "delete /forums/posts/{id}/bookmark": signedInWrite,
        "post /forums/posts/{id}/flags": signedInWrite,
        "get /forums/bookmarks": signedInRead, "get /forums/unread": signedInRead, "get /forums/submissions": signedInRead,
        "get /forums/search": signedInRead,
        "get /moderation/queue": staffRead, "post /moderation/posts/{id}/decision": staffRead, "post /moderation/posts/{id}/hide": staffRead,
        "post /moderation/posts/{id}/restore": staffRead, "post /moderation/flags/{id}/resolve": staffRead,
        "post /moderation/posts/{id}/reveal": administrators,
        "patch /moderation/topics/{id}": staffRead, "post /moderation/topics/{id}/merge": staffRead,
        "get /documents": signedInRead, "post /documents": signedInWrite,
        "get /documents/{id}": organisationDocument, "get /documents/{id}/versions": organisationDocument,
        "get /documents/{id}/content": organisationDocument, "get /documents/{id}/versions/{version}/content": organisationDocument,
        "delete /documents/{id}": uploaderAndStaff, "post /documents/{id}/versions": uploaderAndStaff,
        "get /moderation/documents": staffRead,
        "get /consultations": signedInRead, "post /consultations": administrators,
        // A consultation asking organisation A: A's members and staff see it.
        "get /consultations/{id}": organisationMembers, "get /consultations/{id}/contributions": administrators,
        "get /consultations/{id}/contributions/{organisationId}": organisationContribution,
        "put /consultations/{id}/contributions/{organisationId}": organisationDraft,
        "put /consultations/{id}/contributions/{organisationId}/documents/{documentId}": organisationDraft,
        "delete /consultations/{id}/contributions/{organisationId}/documents/{documentId}": organisationDraft,
        "put /consultations/{id}/documents/{documentId}": administrators, "delete /consultations/{id}/documents/{documentId}": administrators,
        "get /consultations/{id}/contributions.csv": administrators, "get /consultations/{id}/contributions.zip": administrators,
        "put /consultations/{id}/synthesis": administrators, "get /consultations/{id}/published": organisationMembers,
        "post /consultations/{id}/contributions/{organisationId}/submit": organisationAdminContribution,
        "put /consultations/{id}/contributions/{organisationId}/publication": organisationAdminContribution,
        "get /events": signedInRead, "post /events": administrators,
        // An event for organisation A: A's members and staff see it and its calendar.
        "get /events/{id}": organisationMembers, "get /events/{id}/calendar": organisationMembers,
        // They register themselves (not with a read-only token); others are not told it exists.
        "post /events/{id}/registrations": row(.hidden, [
            .anonymous: .refused, .disabled: .refused, .readToken: .refused, .member: .allowed, .organisationAdmin: .allowed, .administrator: .allowed,
        ]),
        // The member's registration for A: the member, A's admins and staff cancel it.
        "delete /events/{id}/registrations/{registrationId}": row(.hidden, [
            .anonymous: .refused, .disabled: .refused, .readToken: .refused, .member: .allowed, .organisationAdmin: .allowed, .administrator: .allowed,
        ]),
        "post /events/{id}/registrations/{registrationId}/confirm": administrators,
        "get /events/{id}/participants": administrators, "get /events/{id}/participants/export": administrators,
        "post /events/{id}/messages": administrators, "post /events/{id}/materials": administrators,
        "put /events/{id}/report": administrators, "post /events/{id}/follow-up": administrators,
        // The version waits for a moderator: its uploader sees it (and is refused), other members do not.
        "post /moderation/documents/{id}/versions/{version}/decision": row(.refused, [
            .member: .hidden, .otherOrganisationMember: .hidden, .moderator: .allowed, .administrator: .allowed,
        ]),
    ]

    /// A body that passes validation, so that only authorisation can refuse the request.
    static func body(for key: String, target: UUID, ids: [String: String] = [:]) -> [String: Any]? {
        let organisation: [String: Any] = ["names": ["en": "Matrix organisation"], "country": "KE", "kind": "other"]
        let bodies: [String: [String: Any]] = [
            "post /auth/login": ["email": "nobody@example.org", "password": "a long and unusual passphrase"],
            "post /invitations/accept": ["token": "unknown", "display_name": "X", "password": "a long and unusual passphrase"],
            "post /auth/password-reset": ["email": "nobody@example.org"],
            "post /auth/password-reset/complete": ["token": "unknown", "new_password": "a long and unusual passphrase"],
            "post /auth/reauthenticate": ["password": "a long and unusual passphrase"],
            "patch /me": ["display_name": "Matrix"],
            "post /me/password": ["current_password": "a long and unusual passphrase", "new_password": "another long unusual passphrase"],
            "post /me/email": ["email": "matrix-new-\(UUID().uuidString.prefix(6))@example.org"],
            "post /me/two-factor/confirm": ["code": "000000"],
            "delete /me/two-factor": ["password": "a long and unusual passphrase"],
            "post /me/deletion": ["password": "a long and unusual passphrase"],
            "post /me/api-tokens": ["name": "matrix", "scopes": ["read"], "expires_in_days": 1],
            "post /me/notifications/read": ["all": true],
            "put /me/notification-preferences": ["preferences": ["reply": "email"]],
            "put /me/digest": ["frequency": "weekly"],
            "put /document-vetting": ["space": "library", "vetted": true],
            "post /invitations": ["email": "matrix-invitee-\(UUID().uuidString.prefix(6))@example.org", "role": "member"],
            "post /invitations/join": ["token": "unknown"],
            "post /accounts/{id}/role": ["role": "member"],
            "post /groups": ["name": "Matrix group \(UUID().uuidString.prefix(6))"],
            "post /groups/{id}/members": ["account_id": target.uuidString],
            "post /organisations": organisation,
            "patch /organisations/{id}": organisation,
            "post /organisations/{id}/members/{accountId}/role": ["role": "member"],
            "post /organisations/{id}/invitations": ["email": "org-invitee-\(UUID().uuidString.prefix(6))@example.org"],
            "post /forums/categories": ["slug": "matrix-\(UUID().uuidString.prefix(8).lowercased())", "names": ["en": "Matrix"]],
            "put /forums/categories/{id}": ["slug": "matrix-category", "names": ["en": "Matrix category"], "position": 9],
            "put /forums/categories/{id}/retention": ["days": 90],
            "post /forums/categories/{id}/topics": ["title": "A matrix topic", "body": "Some *text*.", "language": "en"],
            "post /forums/topics/{id}/posts": ["body": "A matrix reply."],
            "patch /forums/posts/{id}": ["body": "Edited by the matrix.", "version": 1],
            "post /forums/posts/{id}/flags": ["reason": "spam"],
            "post /moderation/posts/{id}/decision": ["decision": "approve"],
            "post /moderation/posts/{id}/hide": ["reason": "Matrix"],
            "post /moderation/posts/{id}/reveal": ["reason": "Matrix"],
            "post /moderation/flags/{id}/resolve": ["resolution": "dismissed"],
            "patch /moderation/topics/{id}": ["pinned": true],
            "post /moderation/topics/{id}/merge": ["into": ids["{into}"] ?? ""],
            "post /moderation/documents/{id}/versions/{version}/decision": ["decision": "approve"],
            "post /events": [
                "kind": "webinar", "titles": ["en": "Matrix webinar"], "audience": ["all": true], "time_zone": "Europe/Vienna",
                "starts_at": Date().addingTimeInterval(86_400).formatted(.iso8601), "ends_at": Date().addingTimeInterval(90_000).formatted(.iso8601),
            ],
            "post /events/{id}/registrations": [:],
            "post /events/{id}/messages": ["message": "Matrix message."],
            "post /events/{id}/materials": ["document_id": ids["{document}"] ?? ""],
            "put /events/{id}/report": ["report": ["en": "Matrix report."]],
            "post /events/{id}/follow-up": [
                "category_id": ids["{category}"] ?? "", "title": "Matrix follow-up", "body": "What did you take home?", "language": "en",
            ],
            "post /consultations": [
                "titles": ["en": "Matrix consultation"], "questions": [["prompts": ["en": "Why?"]]], "audience": ["all": true],
                "opens_at": Date().addingTimeInterval(-60).formatted(.iso8601), "closes_at": Date().addingTimeInterval(86_400).formatted(.iso8601),
            ],
            "put /consultations/{id}/contributions/{organisationId}": ["answers": ["q1": "Because."]],
            "put /consultations/{id}/contributions/{organisationId}/publication": ["publication": "named"],
            "put /consultations/{id}/synthesis": ["texts": ["en": "What we heard."]],
        ]
        return bodies[key]
    }

    @Test func everyRouteHasARowAndEveryCallerGetsWhatTheRowSays() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts(), forums: lenientForums()) { server in
                let pool = database.pool
                let routes = HavenServer.routes(services: server.services)
                let missing = Set(routes.map(\.operationKey)).subtracting(Self.expectations.keys)
                #expect(missing.isEmpty, "routes without an authorisation row: \(missing.sorted())")
                let extra = Set(Self.expectations.keys).subtracting(routes.map(\.operationKey))
                #expect(extra.isEmpty, "rows for routes that do not exist: \(extra.sorted())")

                // The cast: two organisations (A and B), their people, staff, and a bystander (T)
                // that destructive operations act on.
                let (admin, _) = try await server.administrator()
                let (secondAdmin, _) = try await server.staff(email: "admin2@haven.test", role: .administrator)
                let (moderator, _) = try await server.staff(email: "moderator@haven.test", role: .moderator)
                let orgAdmin = try await server.signUp(email: "orgadmin@example.org", name: "Org Admin")
                let member = try await server.signUp(email: "member@example.org", name: "Member")
                let other = try await server.signUp(email: "other@example.org", name: "Other")
                let disabled = try await server.signUp(email: "disabled@example.org", name: "Disabled")
                let colleague = try await server.signUp(email: "colleague@example.org", name: "Colleague")
                let bystander = try await server.signUp(email: "bystander@example.org", name: "Bystander")
                let (orgAdminID, memberID, otherID, disabledID, colleagueID, target) = (
                    try await orgAdmin.accountID(), try await member.accountID(), try await other.accountID(),
                    try await disabled.accountID(), try await colleague.accountID(), try await bystander.accountID()
                )
                let secondAdminID = try await secondAdmin.accountID()
                let proposed = try await orgAdmin.send(
                    "POST", "/organisations", json: ["names": ["en": "Alpha", "fr": "Alpha"], "country": "FR", "kind": "women-led"]
                )
                let a = try #require(UUID(uuidString: proposed.json["id"] as? String ?? ""), "\(proposed.text)")
                let b = try #require(UUID(uuidString: try await other.send(
                    "POST", "/organisations", json: ["names": ["en": "Beta"], "country": "KE", "kind": "youth-led"]
                ).json["id"] as? String ?? ""))
                let c = try #require(UUID(uuidString: try await other.send(
                    "POST", "/organisations", json: ["names": ["en": "Gamma"], "country": "JO", "kind": "other"]
                ).json["id"] as? String ?? ""))
                for organisation in [a, b, c] {
                    #expect(try await admin.send("POST", "/organisations/\(organisation.uuidString.lowercased())/approve").status == 204)
                }
                try await pool.execute(
                    """
                    INSERT INTO memberships (organisation_id, account_id, role)
                    VALUES (\(a), \(memberID), 'member'), (\(a), \(colleagueID), 'member'), (\(a), \(disabledID), 'member')
                    """
                )
                let group = try #require(UUID(uuidString: try await admin.send("POST", "/groups", json: ["name": "Victims' support"]).json["id"] as? String ?? ""))
                let token = try #require(try await member.send(
                    "POST", "/me/api-tokens", json: ["name": "matrix", "scopes": ["read"], "expires_in_days": 1]
                ).json["secret"] as? String)
                try await pool.execute("UPDATE accounts SET status = 'disabled' WHERE id = \(disabledID)")
                _ = (orgAdminID, otherID)

                // Forums: a topic by the organisation admin in a members' category, a reply of theirs
                // to change, one that waits for a moderator, and a category for administrators to edit.
                let category = try #require(try await pool.query(
                    "SELECT id FROM forum_categories WHERE slug = 'human-rights'"
                ).first?.decode(column: 0, as: UUID.self))
                let matrixCategory = try #require(UUID(uuidString: try await admin.send(
                    "POST", "/forums/categories", json: ["slug": "matrix-category", "names": ["en": "Matrix category"]]
                ).json["id"] as? String ?? ""))
                let topicReply = try await orgAdmin.send(
                    "POST", "/forums/categories/\(category.uuidString.lowercased())/topics",
                    json: ["title": "Matrix topic", "body": "First post.", "language": "en"]
                )
                let topic = try #require(UUID(uuidString: (topicReply.json["topic"] as? [String: Any])?["id"] as? String ?? ""), "\(topicReply.text)")
                func reply(_ text: String) async throws -> UUID {
                    let reply = try await orgAdmin.send("POST", "/forums/topics/\(topic.uuidString.lowercased())/posts", json: ["body": text])
                    return try #require(UUID(uuidString: reply.json["id"] as? String ?? ""), "\(reply.text)")
                }
                let post = try await reply("A reply to change.")
                let waiting = try await reply("A reply that waits.")

                // Documents: one in organisation A's library by A's admin, approved.
                let uploaded = try await orgAdmin.uploadRaw(
                    Data("Matrix document.\n".utf8),
                    metadata: ["space": "organisation", "space_id": a.uuidString, "titles": ["en": "Matrix"], "language": "en", "filename": "m.txt"]
                )
                let document = try #require(UUID(uuidString: uploaded.json["id"] as? String ?? ""), "\(uploaded.text)")
                // And one in the platform library, which staff attach to consultations.
                let libraryUpload = try await admin.uploadRaw(
                    Data("Background paper.\n".utf8), metadata: ["space": "library", "titles": ["en": "Background"], "language": "en", "filename": "b.txt"]
                )
                let libraryDocument = try #require(UUID(uuidString: libraryUpload.json["id"] as? String ?? ""), "\(libraryUpload.text)")

                // A consultation that asks organisation A.
                let opened = try await admin.send("POST", "/consultations", json: [
                    "titles": ["en": "Matrix call for input"], "questions": [["prompts": ["en": "What works?"]]],
                    "audience": ["organisations": [a.uuidString]],
                    "opens_at": Date().addingTimeInterval(-60).formatted(.iso8601), "closes_at": Date().addingTimeInterval(86_400).formatted(.iso8601),
                ])
                let consultation = try #require(UUID(uuidString: opened.json["id"] as? String ?? ""), "\(opened.text)")

                // An event for organisation A.
                let published = try await admin.send("POST", "/events", json: [
                    "kind": "workshop", "titles": ["en": "Matrix workshop"], "audience": ["organisations": [a.uuidString]], "time_zone": "Africa/Nairobi",
                    "starts_at": Date().addingTimeInterval(86_400).formatted(.iso8601), "ends_at": Date().addingTimeInterval(90_000).formatted(.iso8601),
                    "link": "https://meet.example.org/matrix",
                ])
                let event = try #require(UUID(uuidString: published.json["id"] as? String ?? ""), "\(published.text)")

                /// Puts back what an allowed destructive call changed, and makes the ids it needs.
                func prepare(_ key: String) async throws -> [String: String] {
                    try await pool.execute("UPDATE organisations SET status = 'active' WHERE id = ANY(\([a, b, c]))")
                    try await pool.execute(
                        "INSERT INTO memberships (organisation_id, account_id, role) VALUES (\(a), \(colleagueID), 'member') ON CONFLICT DO NOTHING"
                    )
                    // No deletion pending (asking for one revokes the caller's tokens: the read token
                    // works again), but the bystander's, for the route that cancels it.
                    try await pool.execute("DELETE FROM account_deletions")
                    try await pool.execute("UPDATE api_tokens SET revoked_at = NULL WHERE account_id = \(memberID)")
                    if key == "delete /accounts/{id}/deletion" {
                        try await pool.execute(
                            "INSERT INTO account_deletions (account_id, due_at, posts, by_staff) VALUES (\(target), now() + interval '7 days', 'remove', true)"
                        )
                    }
                    // The bystander is disabled only for the route that enables it.
                    let status = key == "post /accounts/{id}/enable" ? "disabled" : "active"
                    try await pool.execute(
                        "UPDATE accounts SET status = \(status), role = 'member', totp_enabled_at = now() WHERE id = \(target)"
                    )
                    try await pool.execute("INSERT INTO group_members (group_id, account_id) VALUES (\(group), \(target)) ON CONFLICT DO NOTHING")
                    var ids: [String: String] = ["{id}": target.uuidString, "{accountId}": target.uuidString]
                    // The event: no registrations but, for the routes that act on one, the member's for A.
                    try await pool.execute("DELETE FROM event_registrations WHERE event_id = \(event)")
                    try await pool.execute("DELETE FROM event_materials WHERE event_id = \(event)")
                    try await pool.execute("UPDATE events SET follow_up_topic_id = NULL WHERE id = \(event)")
                    // The forum fixtures, as they were.
                    try await pool.execute("DELETE FROM forum_post_revisions WHERE post_id = \(post)")
                    try await pool.execute("UPDATE forum_posts SET state = 'published', version = 1 WHERE id = \(post)")
                    try await pool.execute(
                        "UPDATE forum_posts SET state = CASE WHEN \(key.hasSuffix("restore")) THEN 'hidden' ELSE 'pending' END WHERE id = \(waiting)"
                    )
                    try await pool.execute("UPDATE forum_topics SET state = 'published', locked = false, category_id = \(category) WHERE id = \(topic)")
                    try await pool.execute("UPDATE documents SET deleted_at = NULL, published_version = 1 WHERE id = \(document)")
                    try await pool.execute(
                        """
                        UPDATE document_versions SET state = CASE WHEN \(key.hasSuffix("/decision")) THEN 'pending' ELSE 'approved' END
                        WHERE document_id = \(document)
                        """
                    )
                    // A's contribution: none yet, or a submitted one for the publication route.
                    try await pool.execute("DELETE FROM consultation_contributions WHERE consultation_id = \(consultation)")
                    if key.hasSuffix("/publication") {
                        try await pool.execute(
                            """
                            INSERT INTO consultation_contributions (consultation_id, organisation_id, answers, submitted_at)
                            VALUES (\(consultation), \(a), '{"q1": "Submitted."}', now())
                            """
                        )
                    }
                    // The documents attached: A's to its draft, the library's to the consultation, for
                    // the routes that take them off.
                    try await pool.execute("DELETE FROM consultation_documents WHERE consultation_id = \(consultation)")
                    if key == "delete /consultations/{id}/contributions/{organisationId}/documents/{documentId}" {
                        try await pool.execute(
                            "INSERT INTO consultation_contributions (consultation_id, organisation_id) VALUES (\(consultation), \(a))"
                        )
                        try await pool.execute(
                            """
                            INSERT INTO contribution_documents (consultation_id, organisation_id, document_id, version)
                            VALUES (\(consultation), \(a), \(document), 1)
                            """
                        )
                    }
                    if key == "delete /consultations/{id}/documents/{documentId}" {
                        try await pool.execute(
                            "INSERT INTO consultation_documents (consultation_id, document_id) VALUES (\(consultation), \(libraryDocument))"
                        )
                    }
                    switch key {
                    case let key where key.contains("/consultations/{id}"):
                        ids["{id}"] = consultation.uuidString
                        ids["{organisationId}"] = a.uuidString
                        ids["{documentId}"] = (key.contains("/contributions/") ? document : libraryDocument).uuidString
                    case let key where key.contains("documents/{id}"):
                        ids["{id}"] = document.uuidString
                        ids["{version}"] = "1"
                    case let key where key.hasPrefix("put /forums/categories/{id}"):
                        ids["{id}"] = matrixCategory.uuidString
                    case let key where key.contains("/forums/categories/{id}"):
                        ids["{id}"] = category.uuidString
                    case let key where key.contains("/topics/{id}/merge"):
                        let source = try await pool.query(
                            """
                            INSERT INTO forum_topics (category_id, author_id, title, language, state) VALUES (\(category), \(orgAdminID), 'Merge me', 'en', 'published')
                            RETURNING id
                            """
                        ).first?.decode(column: 0, as: UUID.self)
                        ids["{id}"] = source?.uuidString
                        ids["{into}"] = topic.uuidString
                    case let key where key.contains("/topics/{id}"):
                        ids["{id}"] = topic.uuidString
                    case "post /moderation/posts/{id}/decision", "post /moderation/posts/{id}/restore":
                        ids["{id}"] = waiting.uuidString
                    case "post /moderation/flags/{id}/resolve":
                        let flag = try await pool.query(
                            "INSERT INTO forum_flags (post_id, flagged_by, reason) VALUES (\(post), NULL, 'spam') RETURNING id"
                        ).first?.decode(column: 0, as: UUID.self)
                        ids["{id}"] = flag?.uuidString
                    case let key where key.contains("/forums/posts/{id}") || key.contains("/moderation/posts/{id}"):
                        ids["{id}"] = post.uuidString
                        ids["{kind}"] = "like"
                    case let key where key.contains("/organisations/{id}/approve") || key.contains("/organisations/{id}/suspend"):
                        ids["{id}"] = c.uuidString
                    case let key where key.contains("/organisations/{id}"):
                        ids["{id}"] = a.uuidString
                        ids["{accountId}"] = colleagueID.uuidString
                    case let key where key.contains("/groups/{id}"):
                        ids["{id}"] = group.uuidString
                    case "post /two-factor-resets/{id}/approve":
                        let request = try await pool.query(
                            "INSERT INTO two_factor_resets (account_id, requested_by) VALUES (\(target), \(secondAdminID)) RETURNING id"
                        ).first?.decode(column: 0, as: UUID.self)
                        ids["{id}"] = request?.uuidString
                    case "delete /invitations/{id}", "post /invitations/{id}/approve":
                        let invitation = try await pool.query(
                            """
                            INSERT INTO invitations (token_hash, email, role, expires_at, organisation_id, organisation_role, approved_at)
                            VALUES (\(Array(UUID().uuidString.utf8)), 'pending@example.org', 'member', now() + interval '1 day', \(a), 'member',
                                    CASE WHEN \(key.hasSuffix("approve")) THEN NULL ELSE now() END)
                            RETURNING id
                            """
                        ).first?.decode(column: 0, as: UUID.self)
                        ids["{id}"] = invitation?.uuidString
                    case "delete /me/sessions/{id}", "delete /me/api-tokens/{id}":
                        // Someone else's: the bystander's session and a token of the member.
                        let session = try await pool.query("SELECT id FROM sessions WHERE account_id = \(target) LIMIT 1")
                            .first?.decode(column: 0, as: UUID.self)
                        ids["{id}"] = (session ?? UUID()).uuidString
                    case "get /me/exports/{id}", "get /me/exports/{id}/download":
                        // Someone else's: a ready export of the bystander.
                        let export = try await pool.query(
                            """
                            INSERT INTO data_exports (account_id, state, requested_at, ready_at, expires_at, size, chunk_size, chunk_count)
                            VALUES (\(target), 'ready', now(), now(), now() + interval '1 day', 0, 1024, 0) RETURNING id
                            """
                        ).first?.decode(column: 0, as: UUID.self)
                        ids["{id}"] = export?.uuidString
                    case let key where key.contains("/events/{id}"):
                        ids["{id}"] = event.uuidString
                        ids["{document}"] = document.uuidString
                        ids["{category}"] = category.uuidString
                        if key.contains("{registrationId}") {
                            let registration = try await pool.query(
                                """
                                INSERT INTO event_registrations (event_id, account_id, organisation_id, registered_by, status)
                                VALUES (\(event), \(memberID), \(a), \(memberID), 'registered') RETURNING id
                                """
                            ).first?.decode(column: 0, as: UUID.self)
                            ids["{registrationId}"] = registration?.uuidString
                        }
                    default:
                        break
                    }
                    return ids.mapValues { $0.lowercased() }
                }

                let anonymous = SessionClient(probe: server.client)
                for route in routes.sorted(by: { $0.operationKey < $1.operationKey }) {
                    guard let expected = Self.expectations[route.operationKey], route.operationKey != "post /auth/logout" else { continue }
                    let method = route.operationKey.split(separator: " ").first.map { $0.uppercased() } ?? "GET"
                    for caller in Caller.allCases {
                        let ids = try await prepare(route.operationKey)
                        var path = route.path
                        for (placeholder, value) in ids { path = path.replacing(placeholder, with: value) }
                        let client: SessionClient = switch caller {
                        case .anonymous, .readToken: anonymous
                        case .member: member
                        case .otherOrganisationMember: other
                        case .organisationAdmin: orgAdmin
                        case .moderator: moderator
                        case .administrator: admin
                        case .disabled: disabled
                        }
                        let headers = caller == .readToken ? ["Authorization": "Bearer \(token)"] : [:]
                        let body = Self.body(for: route.operationKey, target: target, ids: ids)
                        let reply = try await client.send(method, path, json: body, headers: headers)
                        let type = reply.json["type"] as? String
                        let outcome: Outcome =
                            if [401, 403].contains(reply.status),
                                ["urn:haven:problem:unauthenticated", "urn:haven:problem:forbidden"].contains(type) { .refused }
                            else if reply.status == 404, type == "urn:haven:problem:not-found" { .hidden }
                            else { .allowed }
                        #expect(outcome == expected[caller], "\(route.operationKey) as \(caller): \(reply.status) \(reply.text)")
                        #expect(reply.status < 500, "\(route.operationKey) as \(caller): \(reply.status)")
                    }
                }
                #expect(try await anonymous.send("POST", "/auth/logout").status == 401)
                #expect(try await anonymous.send("POST", "/auth/logout", headers: ["Authorization": "Bearer \(token)"]).status == 403)
                #expect(try await member.send("POST", "/auth/logout").status == 204)
            }
        }
    }
}
