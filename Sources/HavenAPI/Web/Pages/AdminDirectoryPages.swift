import Foundation
import HavenCore
import Hummingbird

/// Administration of who belongs where: organisations (approve, suspend), groups (create, add
/// or remove a member by email address) and forum categories (create).
enum AdminDirectoryPages {
    static func routes(services: HavenServices) -> [WebRoute] {
        let organisations = services.organisations
        let groups = services.groups
        return [
            WebRoute(.get, "/web/admin/organisations", audience: .administrators) { page in
                let all = try await organisations.list(by: try page.requireActor())
                return page.page("admin-organisations", title: page.t("admin_organisations_title"), [
                    "hasOrganisations": !all.isEmpty,
                    "organisations": all.map { organisation in
                        [
                            "id": organisation.id.uuidString.lowercased(), "name": page.localized(organisation.names),
                            "country": organisation.country ?? "", "status": page.t("admin_organisation_\(organisation.status.rawValue)"),
                            "canApprove": organisation.status != .active, "canSuspend": organisation.status == .active,
                            "created": page.date(organisation.createdAt),
                        ] as [String: Any]
                    },
                ])
            },
            WebRoute(.post, "/web/admin/organisations/{organisationId}/approve", audience: .administrators) { page in
                try await organisations.setStatus(try page.id("organisationId"), to: .active, by: try page.requireActor())
                return page.redirect("/web/admin/organisations?done=organisation-approved")
            },
            WebRoute(.post, "/web/admin/organisations/{organisationId}/suspend", audience: .administrators) { page in
                try await organisations.setStatus(try page.id("organisationId"), to: .suspended, by: try page.requireActor())
                return page.redirect("/web/admin/organisations?done=organisation-suspended")
            },
            WebRoute(.get, "/web/admin/groups", audience: .administrators) { page in
                try await groupsPage(page, groups: groups)
            },
            WebRoute(.post, "/web/admin/groups", audience: .administrators) { page in
                do {
                    _ = try await groups.create(name: page.form["name"] ?? "", description: page.form.text("description") ?? "", by: try page.requireActor())
                } catch AccountError.invalidInput(let reason) {
                    return try await groupsPage(page, groups: groups, error: page.t("admin_group_invalid"), detail: reason)
                }
                return page.redirect("/web/admin/groups?done=group-created")
            },
            WebRoute(.post, "/web/admin/groups/{groupId}/members", audience: .administrators) { page in
                let group = try page.id("groupId")
                guard let account = try await account(page, services: services) else {
                    return try await groupsPage(page, groups: groups, error: page.t("admin_group_no_account"))
                }
                try await groups.addMember(account, to: group, by: try page.requireActor())
                return page.redirect("/web/admin/groups?done=group-member-added")
            },
            WebRoute(.post, "/web/admin/groups/{groupId}/members/remove", audience: .administrators) { page in
                let group = try page.id("groupId")
                guard let account = try await account(page, services: services) else {
                    return try await groupsPage(page, groups: groups, error: page.t("admin_group_no_account"))
                }
                try await groups.removeMember(account, from: group, by: try page.requireActor())
                return page.redirect("/web/admin/groups?done=group-member-removed")
            },
        ]
    }

    /// The account whose address is the form's `email` exactly (case aside), if any.
    static func account(_ page: WebRequest, services: HavenServices) async throws -> UUID? {
        guard let email = page.form.text("email")?.lowercased(), email.contains("@") else { return nil }
        let found = try await services.accounts.listAccounts(search: email, role: nil, status: nil, after: nil, by: try page.requireActor())
        return found.first { $0.email.lowercased() == email }?.id
    }

    static func groupsPage(_ page: WebRequest, groups: Groups, error: String? = nil, detail: String? = nil) async throws -> Response {
        let all = try await groups.list(by: try page.requireActor())
        return page.page("admin-groups", title: page.t("admin_groups_title"), status: error == nil ? .ok : .unprocessableContent, presentValues([
            "error": error, "detail": detail, "name": page.form["name"] ?? "", "description": page.form["description"] ?? "",
            "groups": all.map { group in
                [
                    "id": group.id.uuidString.lowercased(), "name": group.name, "description": group.description,
                    "members": page.t("admin_group_members", ["count": page.number(group.memberCount)]),
                ]
            },
        ]))
    }
}
