import Foundation
import HavenCore
import Hummingbird

/// Forum search: a GET form (so a search can be bookmarked and shared) with words and filters
/// (category, language, dates), and the matching posts with their highlighted snippets.
enum SearchPages {
    static func routes(services: HavenServices) -> [WebRoute] {
        let forums = services.forums
        return [
            WebRoute(.get, "/web/search", audience: .signedIn) { page in
                let actor = try page.requireActor()
                let categories = try await forums.categories(for: actor)
                let words = page.query("q")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                let category = page.query("category")
                let language = page.query("language")
                let from = page.query("from")
                let to = page.query("to")
                var data: [String: Any] = [
                    "q": words, "from": from ?? "", "to": to ?? "",
                    "categories": categories.map { item in
                        let id = item.id.uuidString.lowercased()
                        return ["id": id, "name": page.localized(item.names), "selected": id == category]
                    },
                    "languages": WebLanguage.all.map { ["code": $0.code, "name": $0.name, "selected": $0.code == language] },
                ]
                func refused(_ key: String) -> Response {
                    data["error"] = page.t(key)
                    return page.page("search-page", title: page.t("search_title"), status: .unprocessableContent, data)
                }
                let categoryID: UUID?
                if let category {
                    guard let id = UUID(uuidString: category) else { return refused("search_error_category") }
                    categoryID = id
                } else {
                    categoryID = nil
                }
                if let language, WebLanguage(language)?.code != language { return refused("search_error_language") }
                guard let since = Self.day(from), let until = Self.day(to) else { return refused("search_error_date") }
                // "To" is the last day included: the search stops at the start of the next.
                let end = until.map { $0.addingTimeInterval(86_400) }
                if let since, let end, since >= end { return refused("search_error_date_order") }
                guard !words.isEmpty else { return page.page("search-page", title: page.t("search_title"), data) }
                guard words.count <= 200 else { return refused("search_error_words") }
                let after = page.query("after")
                let results: Page<SearchHit>
                do {
                    results = try await forums.search(
                        SearchQuery(words: words, categoryId: categoryID, language: language, since: since, until: end, after: after), by: actor
                    )
                } catch AccountError.invalidInput {
                    return refused(after == nil ? "search_error_words" : "search_error_page")
                }
                let names = Dictionary(categories.map { ($0.id, page.localized($0.names)) }) { first, _ in first }
                data["searched"] = true
                data["hits"] = results.items.map { hit in
                    [
                        "postId": hit.postId.uuidString.lowercased(), "topicId": hit.topicId.uuidString.lowercased(),
                        "topicTitle": hit.topicTitle, "language": hit.language, "category": names[hit.categoryId] ?? "",
                        "when": page.date(hit.createdAt),
                        // HavenCore escapes the snippet's text and adds only <mark> around the words found.
                        "snippet": hit.snippet,
                    ]
                }
                data["hasHits"] = !results.items.isEmpty
                if let next = results.next {
                    var query = [("q", words)]
                    if let category { query.append(("category", category)) }
                    if let language { query.append(("language", language)) }
                    if let from { query.append(("from", from)) }
                    if let to { query.append(("to", to)) }
                    query.append(("after", next))
                    data["next"] = "/web/search?" + query.map { $0.0 + "=" + DocumentPages.escaped($0.1) }.joined(separator: "&")
                }
                return page.page("search-page", title: page.t("search_title"), data)
            },
        ]
    }

    /// A `type=date` value (`YYYY-MM-DD`) as the start of that day in UTC: `.some(nil)` when
    /// absent, nil when it is not a date.
    static func day(_ text: String?) -> Date?? {
        guard let text else { return .some(nil) }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...9999).contains(year)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        return .some(date)
    }
}
