import Foundation
import HavenCore
import Hummingbird

/// Forum categories for administrators: the list, and a form for a new one (slug, a name in
/// each of the six languages, premoderated and pseudonymous).
enum AdminCategoryPages {
    static func routes(services: HavenServices) -> [WebRoute] {
        let forums = services.forums
        return [
            WebRoute(.get, "/web/admin/categories", audience: .administrators) { page in
                try await categoriesPage(page, forums: forums)
            },
            WebRoute(.post, "/web/admin/categories", audience: .administrators) { page in
                var names: [String: String] = [:]
                for (code, _) in WebLanguage.all {
                    if let name = page.form.text("name_\(code)") { names[code] = name }
                }
                let draft = CategoryDraft(
                    slug: page.form.text("slug") ?? "", parentId: nil, names: names, descriptions: [:], position: 0,
                    rules: ForumCategory.Rules(
                        visibility: .members, visibleGroups: [], visibleOrganisations: [], posting: .members, postingGroups: [],
                        premoderated: page.form.isChecked("premoderated")
                    ),
                    pseudonymous: page.form.isChecked("pseudonymous")
                )
                do {
                    _ = try await forums.createCategory(draft, by: try page.requireActor())
                } catch AccountError.invalidInput(let reason) {
                    return try await categoriesPage(page, forums: forums, error: page.t("admin_category_invalid"), detail: reason)
                }
                return page.redirect("/web/admin/categories?done=category-created")
            },
        ]
    }

    static func categoriesPage(_ page: WebRequest, forums: Forums, error: String? = nil, detail: String? = nil) async throws -> Response {
        let tree = try await forums.categories(for: try page.requireActor())
        let flat = tree.flatMap { [$0] + $0.children }
        return page.page("admin-categories", title: page.t("admin_categories_title"), status: error == nil ? .ok : .unprocessableContent, presentValues([
            "error": error, "detail": detail, "slug": page.form["slug"] ?? "",
            "hasCategories": !flat.isEmpty,
            "categories": flat.map { category in
                [
                    "id": category.id.uuidString.lowercased(), "slug": category.slug, "name": page.localized(category.names),
                    "sub": category.parentId != nil,
                    "premoderated": page.t(category.rules?.premoderated == true ? "admin_yes" : "admin_no"),
                    "pseudonymous": page.t(category.pseudonymous ? "admin_yes" : "admin_no"),
                ] as [String: Any]
            },
            "names": WebLanguage.all.map { code, name in
                ["code": code, "language": name, "value": page.form["name_\(code)"] ?? ""]
            },
            "premoderatedChecked": page.form.isChecked("premoderated"), "pseudonymousChecked": page.form.isChecked("pseudonymous"),
        ]))
    }
}
