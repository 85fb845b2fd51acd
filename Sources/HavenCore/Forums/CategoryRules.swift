import Foundation

/// Who may see a forum category and who may post in it, as `Access` needs them.
public struct CategoryRules: Sendable, Equatable {
    /// A set of people a rule admits.
    public enum Audience: String, Sendable, Codable, CaseIterable {
        /// Every member (for posting: everyone who can see the category).
        case members
        /// The listed groups or organisations, and staff.
        case restricted
        /// Moderators and administrators only (for posting: a read-only category for members).
        case staff
    }

    /// Who sees a category: its own rule and, for a subcategory, its parent's.
    public struct Visibility: Sendable, Equatable {
        public var audience: Audience
        public var groups: Set<UUID>
        public var organisations: Set<UUID>

        public init(audience: Audience, groups: Set<UUID> = [], organisations: Set<UUID> = []) {
            self.audience = audience
            self.groups = groups
            self.organisations = organisations
        }
    }

    /// Every rule that must admit a viewer: the category's own, then its parent's.
    public var visibility: [Visibility]
    public var posting: Audience
    public var postingGroups: Set<UUID>
    /// Posts by non-staff always wait for a moderator.
    public var premoderated: Bool
    /// Members post under per-topic pseudonyms, and documents show no uploader. Not an access
    /// rule: it says what readers are shown.
    public var pseudonymous: Bool

    public init(
        visibility: [Visibility], posting: Audience, postingGroups: Set<UUID> = [], premoderated: Bool = false, pseudonymous: Bool = false
    ) {
        self.visibility = visibility
        self.posting = posting
        self.postingGroups = postingGroups
        self.premoderated = premoderated
        self.pseudonymous = pseudonymous
    }
}
