import Foundation
import PostgresClient

/// Forums: categories, topics and posts, moderation and search. Every operation asks `Access`
/// first; what the viewer may not see is reported as not found.
public struct Forums: Sendable {
    let pool: PostgresPool
    let audit: AuditLog
    public let configuration: ForumsConfiguration
    let searchLimiter: RateLimiter
    public let notifications: Notifications

    public init(
        pool: PostgresPool, configuration: ForumsConfiguration = ForumsConfiguration(),
        notifications: NotificationsConfiguration = NotificationsConfiguration()
    ) {
        self.pool = pool
        self.notifications = Notifications(pool: pool, configuration: notifications)
        self.audit = AuditLog(pool: pool)
        self.configuration = configuration
        self.searchLimiter = RateLimiter(limit: configuration.searchesPerMinute, window: .seconds(60))
    }

    /// A category row with its effective rules (its own visibility and its parent's).
    struct StoredCategory: Sendable {
        var id: UUID
        var parentId: UUID?
        var slug: String
        var names: [String: String]
        var descriptions: [String: String]
        var position: Int
        var rules: ForumCategory.Rules
        var effective: CategoryRules
        /// Members post under per-topic pseudonyms.
        var pseudonymous: Bool
    }

    /// The columns `storedCategory(from:at:)` decodes, from `c` (the category) and `pc` (its parent).
    static let categoryColumns: StaticString = """
        c.id, c.parent_id, c.slug, c.names::text, c.descriptions::text, c.position, c.visibility, c.visible_groups,
        c.visible_organisations, c.posting, c.posting_groups, c.premoderated,
        pc.visibility, pc.visible_groups, pc.visible_organisations, c.pseudonymous
        """

    /// Every category with its effective rules, parents first.
    func storedCategories(on connection: PostgresConnection? = nil) async throws -> [StoredCategory] {
        let query: PostgresQuery = """
            SELECT \(fragment: Self.categoryColumns)
            FROM forum_categories c LEFT JOIN forum_categories pc ON pc.id = c.parent_id
            ORDER BY c.parent_id NULLS FIRST, c.position, c.slug
            """
        let rows = if let connection { try await connection.query(query) } else { try await self.pool.query(query) }
        return try rows.map { try Self.storedCategory(from: $0, at: 0) }
    }

    /// Decodes `categoryColumns` starting at column `start`.
    static func storedCategory(from row: PostgresRow, at start: Int) throws -> StoredCategory {
        func column<V: PostgresDecodable>(_ offset: Int, _: V.Type = V.self) throws -> V { try row.decode(column: start + offset, as: V.self) }
        let rules = ForumCategory.Rules(
            visibility: CategoryRules.Audience(rawValue: try column(6)) ?? .staff, visibleGroups: try column(7),
            visibleOrganisations: try column(8), posting: CategoryRules.Audience(rawValue: try column(9)) ?? .staff,
            postingGroups: try column(10), premoderated: try column(11)
        )
        var visibility = [CategoryRules.Visibility(
            audience: rules.visibility, groups: Set(rules.visibleGroups), organisations: Set(rules.visibleOrganisations)
        )]
        if let parent = try column(12, String?.self) {
            visibility.append(CategoryRules.Visibility(
                audience: CategoryRules.Audience(rawValue: parent) ?? .staff, groups: Set(try column(13, [UUID].self)),
                organisations: Set(try column(14, [UUID].self))
            ))
        }
        let pseudonymous: Bool = try column(15)
        return StoredCategory(
            id: try column(0), parentId: try column(1), slug: try column(2), names: Self.dictionary(try column(3)),
            descriptions: Self.dictionary(try column(4)), position: try column(5), rules: rules,
            effective: CategoryRules(
                visibility: visibility, posting: rules.posting, postingGroups: Set(rules.postingGroups), premoderated: rules.premoderated,
                pseudonymous: pseudonymous
            ),
            pseudonymous: pseudonymous
        )
    }

    /// The ids of the categories `actor` may see (search and queues filter by these).
    func visibleCategoryIDs(for actor: Actor, among categories: [StoredCategory]? = nil) async throws -> [UUID] {
        let categories = if let categories { categories } else { try await self.storedCategories() }
        return categories.filter { Access.decide(actor, .readCategory($0.effective)) == .allow }.map(\.id)
    }

    static func dictionary(_ json: String) -> [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: String] ?? [:]
    }

    static func json(_ dictionary: [String: String]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: dictionary, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
    }
}
