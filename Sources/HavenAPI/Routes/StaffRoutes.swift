import Foundation
import HavenCore
import Hummingbird

/// Staff administration of accounts and invitations.
enum StaffRoutes {
    struct NewInvitation: JSONRequest {
        static let fields: Set<String> = ["email", "role"]
        var email: String
        var role: Role
    }

    static func routes(accounts: Accounts) -> [APIRoute] {
        [
            APIRoute(.get, "/invitations", audience: .signedIn(scope: .admin)) { _, context in
                JSONBody.snakeCase(try await accounts.invitations(by: try context.requireActor()))
            },
            APIRoute(.post, "/invitations", audience: .signedIn(scope: .admin)) { request, context in
                let body = try await request.decodeJSON(NewInvitation.self, context: context)
                let (invitation, _) = try await accounts.invite(email: body.email, role: body.role, by: try context.requireActor())
                // The token goes to the invitee by mail only.
                return JSONBody.snakeCase(invitation, status: .created)
            },
            APIRoute(.delete, "/invitations/{id}", audience: .signedIn(scope: .admin)) { _, context in
                try await accounts.revokeInvitation(try context.parameters.require("id", as: UUID.self), by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.post, "/accounts/{id}/disable", audience: .signedIn(scope: .admin)) { _, context in
                try await accounts.disableAccount(try context.parameters.require("id", as: UUID.self), by: try context.requireActor())
                return Response(status: .noContent)
            },
        ]
    }
}
