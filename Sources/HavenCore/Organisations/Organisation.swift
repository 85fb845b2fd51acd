import Foundation

/// Where an organisation stands: proposed, approved by staff, or suspended.
public enum OrganisationStatus: String, Sendable, Codable, CaseIterable {
    case pending, active, suspended
}

/// The kind of civil-society organisation.
public enum OrganisationKind: String, Sendable, Codable, CaseIterable {
    case womenLed = "women-led"
    case youthLed = "youth-led"
    case victimsAssociation = "victims-association"
    case humanRightsDefenders = "human-rights-defenders"
    case other
}

/// The themes the platform is organised around.
public enum ThematicArea: String, Sendable, Codable, CaseIterable {
    case humanRights = "human-rights"
    case victimsOfTerrorism = "victims-of-terrorism"
    case preventingViolentExtremism = "preventing-violent-extremism"
    case rehabilitationAndReintegration = "rehabilitation-and-reintegration"
    case humanitarianSpace = "humanitarian-space"
    case civicSpace = "civic-space"
}

/// An organisation as its viewer may see it: its own members and staff see every field; members
/// of other organisations see what it chose to show them (the rest is nil).
public struct Organisation: Sendable, Equatable, Codable {
    public var id: UUID
    /// Names by language tag (`en`, `ar`, `fr`, …).
    public var names: [String: String]
    /// ISO 3166-1 alpha-2.
    public var country: String?
    public var kind: OrganisationKind?
    public var thematicAreas: [ThematicArea]?
    public var profile: String?
    public var status: OrganisationStatus
    public var createdAt: Date
    /// What it shows members of other organisations; for its own members and staff only.
    public var shownToMembers: [OrganisationField]?

    /// The organisation as someone outside it sees it: only the fields it shows.
    func shownToOtherMembers() -> Organisation {
        let shown = Set(self.shownToMembers ?? [])
        var view = self
        if !shown.contains(.country) { view.country = nil }
        if !shown.contains(.kind) { view.kind = nil }
        if !shown.contains(.thematicAreas) { view.thematicAreas = nil }
        if !shown.contains(.profile) { view.profile = nil }
        view.shownToMembers = nil
        return view
    }
}

/// What a proposal or an update sets.
public struct OrganisationDraft: Sendable, Equatable {
    public var names: [String: String]
    public var country: String
    public var kind: OrganisationKind
    public var thematicAreas: [ThematicArea]
    public var profile: String
    /// What to show members of other organisations (nil: everything on a proposal, unchanged on
    /// an update).
    public var shownToMembers: [OrganisationField]?

    public init(
        names: [String: String], country: String, kind: OrganisationKind, thematicAreas: [ThematicArea], profile: String,
        shownToMembers: [OrganisationField]? = nil
    ) {
        self.names = names
        self.country = country
        self.kind = kind
        self.thematicAreas = thematicAreas
        self.profile = profile
        self.shownToMembers = shownToMembers
    }

    /// The six UN languages, the ones names may be given in.
    static let languages: Set<String> = ["ar", "zh", "en", "fr", "ru", "es"]

    func validated() throws(AccountError) -> OrganisationDraft {
        var copy = self
        // As given, at most 200 characters (as the OpenAPI document counts them); trimmed, at least one.
        guard self.names.values.allSatisfy({ $0.unicodeScalars.count <= 200 }) else { throw .invalidInput("Names are 1 to 200 characters.") }
        copy.names = self.names.mapValues { $0.trimmingCharacters(in: .blank) }
        guard !copy.names.isEmpty else { throw .invalidInput("Give the organisation's name in at least one language.") }
        guard copy.names.values.allSatisfy({ !$0.isEmpty }) else { throw .invalidInput("A name cannot be empty.") }
        guard copy.names.keys.allSatisfy(Self.languages.contains) else {
            throw .invalidInput("Names may be given in Arabic, Chinese, English, French, Russian or Spanish (ar, zh, en, fr, ru, es).")
        }
        guard copy.names.values.allSatisfy({ (1...200).contains($0.count) }) else { throw .invalidInput("Names are 1 to 200 characters.") }
        copy.country = self.country.uppercased()
        guard copy.country.count == 2, copy.country.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw .invalidInput("The country is an ISO 3166-1 alpha-2 code such as KE or FR.")
        }
        guard self.profile.unicodeScalars.count <= 2000 else { throw .invalidInput("The profile is at most 2,000 characters.") }
        copy.thematicAreas = ThematicArea.allCases.filter(self.thematicAreas.contains)
        copy.shownToMembers = self.shownToMembers.map { shown in OrganisationField.allCases.filter(shown.contains) }
        return copy
    }
}

/// A member of an organisation, as its members and staff see them.
public struct OrganisationMember: Sendable, Equatable, Codable {
    public var accountId: UUID
    public var displayName: String?
    public var role: OrganisationRole
    public var since: Date
}
