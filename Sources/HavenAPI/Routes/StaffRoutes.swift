import Foundation
import HavenCore
import Hummingbird

/// Staff administration: accounts, invitations, second-factor resets, groups and the audit log.
enum StaffRoutes {
    struct NewInvitation: JSONRequest {
        static let fields: Set<String> = ["email", "role"]
        var email: String
        var role: Role
    }

    struct RoleChange: JSONRequest {
        static let fields: Set<String> = ["role"]
        var role: Role
    }

    struct NewGroup: JSONRequest {
        static let fields: Set<String> = ["name", "description"]
        var name: String
        var description: String?
    }

    struct GroupMember: JSONRequest {
        static let fields: Set<String> = ["account_id"]
        var accountId: UUID
    }

    static func routes(services: HavenServices) -> [APIRoute] {
        let accounts = services.accounts
        return [
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
            APIRoute(.post, "/invitations/{id}/approve", audience: .signedIn(scope: .admin)) { _, context in
                try await accounts.approveInvitation(try context.parameters.require("id", as: UUID.self), by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.get, "/accounts", audience: .signedIn(scope: .admin)) { request, context in
                let query = request.uri.queryParameters
                guard let role = try optional(query["role"].map(String.init), Role.init(rawValue:), "role"),
                    let status = try optional(query["status"].map(String.init), AccountStatus.init(rawValue:), "status")
                else { throw Problem(.invalidInput) }
                return JSONBody.snakeCase(try await accounts.listAccounts(
                    search: query["search"].map(String.init), role: role, status: status, after: query["after"].map(String.init),
                    by: try context.requireActor()
                ))
            },
            APIRoute(.get, "/accounts/{id}", audience: .signedIn(scope: .admin)) { _, context in
                JSONBody.snakeCase(try await accounts.readAccount(try context.parameters.require("id", as: UUID.self), by: try context.requireActor()))
            },
            APIRoute(.post, "/accounts/{id}/disable", audience: .signedIn(scope: .admin)) { _, context in
                try await accounts.disableAccount(try context.parameters.require("id", as: UUID.self), by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.post, "/accounts/{id}/enable", audience: .signedIn(scope: .admin)) { _, context in
                try await accounts.enableAccount(try context.parameters.require("id", as: UUID.self), by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.post, "/accounts/{id}/role", audience: .signedIn(scope: .admin)) { request, context in
                let body = try await request.decodeJSON(RoleChange.self, context: context)
                try await accounts.changeRole(of: try context.parameters.require("id", as: UUID.self), to: body.role, by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.post, "/accounts/{id}/deletion", audience: .signedIn(scope: .admin)) { _, context in
                let pending = try await accounts.requestDeletion(of: try context.parameters.require("id", as: UUID.self), by: try context.requireActor())
                return JSONBody.snakeCase(pending, status: .accepted)
            },
            APIRoute(.delete, "/accounts/{id}/deletion", audience: .signedIn(scope: .admin)) { _, context in
                try await accounts.cancelDeletion(of: try context.parameters.require("id", as: UUID.self), by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.post, "/accounts/{id}/sign-out", audience: .signedIn(scope: .admin)) { _, context in
                try await accounts.forceSignOut(try context.parameters.require("id", as: UUID.self), by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.post, "/accounts/{id}/two-factor-reset", audience: .signedIn(scope: .admin)) { _, context in
                let reset = try await accounts.requestTwoFactorReset(of: try context.parameters.require("id", as: UUID.self), by: try context.requireActor())
                return JSONBody.snakeCase(reset, status: .created)
            },
            APIRoute(.get, "/two-factor-resets", audience: .signedIn(scope: .admin)) { _, context in
                JSONBody.snakeCase(try await accounts.pendingTwoFactorResets(by: try context.requireActor()))
            },
            APIRoute(.post, "/two-factor-resets/{id}/approve", audience: .signedIn(scope: .admin)) { _, context in
                try await accounts.approveTwoFactorReset(try context.parameters.require("id", as: UUID.self), by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.get, "/groups", audience: .signedIn(scope: .read)) { _, context in
                JSONBody.snakeCase(try await services.groups.list(by: try context.requireActor()))
            },
            APIRoute(.post, "/groups", audience: .signedIn(scope: .admin)) { request, context in
                let body = try await request.decodeJSON(NewGroup.self, context: context)
                return JSONBody.snakeCase(
                    try await services.groups.create(name: body.name, description: body.description ?? "", by: try context.requireActor()),
                    status: .created
                )
            },
            APIRoute(.post, "/groups/{id}/members", audience: .signedIn(scope: .admin)) { request, context in
                let body = try await request.decodeJSON(GroupMember.self, context: context)
                try await services.groups.addMember(body.accountId, to: try context.parameters.require("id", as: UUID.self), by: try context.requireActor())
                return Response(status: .noContent)
            },
            APIRoute(.delete, "/groups/{id}/members/{accountId}", audience: .signedIn(scope: .admin)) { _, context in
                try await services.groups.removeMember(
                    try context.parameters.require("accountId", as: UUID.self), from: try context.parameters.require("id", as: UUID.self),
                    by: try context.requireActor()
                )
                return Response(status: .noContent)
            },
            APIRoute(.get, "/audit", audience: .signedIn(scope: .admin)) { request, context in
                let actor = try context.requireActor()
                try Access.require(actor, .readAudit)
                let query = request.uri.queryParameters
                func date(_ name: Substring) throws -> Date?? {
                    guard let text = query[name] else { return .some(nil) }
                    guard let date = try? Date(String(text), strategy: .iso8601) else { return nil }
                    return .some(date)
                }
                guard let since = try date("since"), let until = try date("until"),
                    let actorFilter = try optional(query["actor"].map(String.init), UUID.init(uuidString:), "actor"),
                    let before = try optional(query["before"].map(String.init), { Int($0) }, "before"),
                    let limit = try optional(query["limit"].map(String.init), { Int($0) }, "limit")
                else { throw Problem(.invalidInput, detail: "since/until are ISO 8601 times, actor a UUID, before and limit integers.") }
                let filter = AuditLog.Filter(
                    action: query["action"].map(String.init), actor: actorFilter, target: query["target"].map(String.init),
                    since: since, until: until, before: before, limit: limit ?? 100
                )
                return JSONBody.snakeCase(try await services.audit.entries(filter))
            },
            APIRoute(.get, "/audit/export", audience: .signedIn(scope: .admin)) { _, context in
                let actor = try context.requireActor()
                try Access.require(actor, .readAudit)
                try await services.audit.record(AuditEvent(actor: actor.accountID, action: "audit.export"))
                let audit = services.audit
                let body = ResponseBody { writer in
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    encoder.dateEncodingStrategy = .iso8601
                    encoder.keyEncodingStrategy = .convertToSnakeCase
                    var batch = ByteBuffer()
                    try await audit.export { entry in
                        batch.writeBytes(try encoder.encode(entry))
                        batch.writeString("\n")
                        if batch.readableBytes > 64 * 1024 {
                            try await writer.write(batch)
                            batch.clear()
                        }
                    }
                    if batch.readableBytes > 0 { try await writer.write(batch) }
                    try await writer.finish(nil)
                }
                return Response(
                    status: .ok,
                    headers: [.contentType: "application/x-ndjson", .contentDisposition: "attachment; filename=\"haven-audit.jsonl\""],
                    body: body
                )
            },
        ]
    }

    /// Parses an optional query value: `.some(nil)` when absent, `.some(value)` when valid, nil when invalid.
    static func optional<T>(_ text: String?, _ parse: (String) -> T?, _ name: String) throws -> T?? {
        guard let text else { return .some(nil) }
        guard let value = parse(text) else { return nil }
        return .some(value)
    }
}
