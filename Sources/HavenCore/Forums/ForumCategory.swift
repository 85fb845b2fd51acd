import Foundation

/// A forum category as a viewer sees it: names and descriptions by language, its place in the
/// tree, whether the viewer may post, and (for administrators) its rules.
public struct ForumCategory: Sendable, Codable, Equatable {
    /// The access rules, shown to administrators only.
    public struct Rules: Sendable, Codable, Equatable {
        public var visibility: CategoryRules.Audience
        public var visibleGroups: [UUID]
        public var visibleOrganisations: [UUID]
        public var posting: CategoryRules.Audience
        public var postingGroups: [UUID]
        public var premoderated: Bool

        public init(
            visibility: CategoryRules.Audience, visibleGroups: [UUID], visibleOrganisations: [UUID], posting: CategoryRules.Audience,
            postingGroups: [UUID], premoderated: Bool
        ) {
            self.visibility = visibility
            self.visibleGroups = visibleGroups
            self.visibleOrganisations = visibleOrganisations
            self.posting = posting
            self.postingGroups = postingGroups
            self.premoderated = premoderated
        }
    }

    public var id: UUID
    public var parentId: UUID?
    public var slug: String
    public var names: [String: String]
    public var descriptions: [String: String]
    public var position: Int
    /// Members post here under a pseudonym of their own in each topic (see `Forums+Pseudonyms`).
    public var pseudonymous: Bool
    public var canPost: Bool
    public var rules: Rules?
    public var children: [ForumCategory]
}

/// What an administrator sets on a category.
public struct CategoryDraft: Sendable, Equatable {
    public var slug: String
    public var parentId: UUID?
    public var names: [String: String]
    public var descriptions: [String: String]
    public var position: Int
    public var rules: ForumCategory.Rules
    /// Whether members post under pseudonyms; nil keeps the current setting (false for a new
    /// category). It changes only while the category holds no topics.
    public var pseudonymous: Bool?

    public init(
        slug: String, parentId: UUID?, names: [String: String], descriptions: [String: String], position: Int, rules: ForumCategory.Rules,
        pseudonymous: Bool? = nil
    ) {
        self.pseudonymous = pseudonymous
        self.slug = slug
        self.parentId = parentId
        self.names = names
        self.descriptions = descriptions
        self.position = position
        self.rules = rules
    }
}
