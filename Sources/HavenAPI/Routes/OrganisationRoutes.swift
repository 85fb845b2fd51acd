import Foundation
import HavenCore
import Hummingbird

/// Organisations, their members and invitations into them; the member directory.
enum OrganisationRoutes {
    struct Draft: JSONRequest {
        static let fields: Set<String> = ["names", "country", "kind", "thematic_areas", "profile", "shown_to_members"]
        var names: [String: String]
        var country: String
        var kind: OrganisationKind
        var thematicAreas: [ThematicArea]?
        var profile: String?
        var shownToMembers: [OrganisationField]?

        var draft: OrganisationDraft {
            OrganisationDraft(
                names: self.names, country: self.country, kind: self.kind, thematicAreas: self.thematicAreas ?? [], profile: self.profile ?? "",
                shownToMembers: self.shownToMembers
            )
        }
    }

    struct MemberRole: JSONRequest {
        static let fields: Set<String> = ["role"]
        var role: OrganisationRole
    }

    struct MemberInvitation: JSONRequest {
        static let fields: Set<String> = ["email", "role"]
        var email: String
        var role: OrganisationRole?
    }

    struct Join: JSONRequest {
        static let fields: Set<String> = ["token"]
        var token: String
    }

    static func routes(services: HavenServices) -> [APIRoute] {
        let organisations = services.organisations
        let accounts = services.accounts
        @Sendable func id(_ context: HavenRequestContext) throws -> UUID { try context.parameters.require("id", as: UUID.self) }
        return [
            APIRoute(.get, "/organisations", audience: .signedIn(scope: .read)) { _, context in
                JSONBody.snakeCase(try await organisations.list(by: try context.requireActor()))
            },
            APIRoute(.post, "/organisations", audience: .signedIn(scope: .write)) { request, context in
                let body = try await request.decodeJSON(Draft.self, context: context)
                return JSONBody.snakeCase(try await organisations.propose(body.draft, by: try context.requireActor()), status: .created)
            },
            APIRoute(.get, "/organisations/{id}", audience: .signedIn(scope: .read)) { _, context in
                JSONBody.snakeCase(try await organisations.read(try id(context), by: try context.requireActor()))
            },
            APIRoute(.patch, "/organisations/{id}", audience: .signedIn(scope: .write)) { request, context in
                let body = try await request.decodeJSON(Draft.self, context: context)
                return JSONBody.snakeCase(try await organisations.update(try id(context), with: body.draft, by: try context.requireActor()))
            },
            APIRoute(.post, "/organisations/{id}/approve", audience: .signedIn(scope: .admin)) { _, context in
                try await organisations.setStatus(try id(context), to: .active, by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.post, "/organisations/{id}/suspend", audience: .signedIn(scope: .admin)) { _, context in
                try await organisations.setStatus(try id(context), to: .suspended, by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.get, "/organisations/{id}/members", audience: .signedIn(scope: .read)) { _, context in
                JSONBody.snakeCase(try await organisations.members(of: try id(context), by: try context.requireActor()))
            },
            APIRoute(.post, "/organisations/{id}/members/{accountId}/role", audience: .signedIn(scope: .write)) { request, context in
                let body = try await request.decodeJSON(MemberRole.self, context: context)
                try await organisations.setRole(
                    body.role, of: try context.parameters.require("accountId", as: UUID.self), in: try id(context), by: try context.requireActor()
                )
                return Response(status: .noContent)
            },
            APIRoute(.delete, "/organisations/{id}/members/{accountId}", audience: .signedIn(scope: .write)) { _, context in
                try await organisations.removeMember(
                    try context.parameters.require("accountId", as: UUID.self), from: try id(context), by: try context.requireActor()
                )
                return Response(status: .noContent)
            },
            APIRoute(.post, "/organisations/{id}/invitations", audience: .signedIn(scope: nil)) { request, context in
                let body = try await request.decodeJSON(MemberInvitation.self, context: context)
                let invitation = try await accounts.inviteToOrganisation(
                    try id(context), email: body.email, role: body.role ?? .member, by: try context.requireActor()
                )
                return JSONBody.snakeCase(invitation, status: .created)
            },
            APIRoute(.post, "/invitations/join", audience: .signedIn(scope: nil)) { request, context in
                let body = try await request.decodeJSON(Join.self, context: context)
                try await accounts.joinOrganisation(token: body.token, by: try context.requireActor(), client: AuthRoutes.client(request, context))
                return Response(status: .noContent)
            },
            APIRoute(.get, "/directory", audience: .signedIn(scope: .read)) { _, context in
                JSONBody.snakeCase(try await accounts.directory(by: try context.requireActor()))
            },
        ]
    }
}
