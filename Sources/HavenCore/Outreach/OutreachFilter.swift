/// Which organisations the outreach directory lists: each given criterion narrows the list (any
/// of its values matches); none lists every organisation.
public struct OutreachFilter: Sendable, Equatable {
    /// ISO 3166-1 alpha-2, upper case.
    public var countries: [String]
    /// UN M49 regions: africa, americas, asia, europe, oceania.
    public var regions: [String]
    public var kinds: [OrganisationKind]
    public var thematicAreas: [ThematicArea]
    /// Words in one of its names (any language), case-insensitive.
    public var text: String?
    public var status: OrganisationStatus?

    public init(
        countries: [String] = [], regions: [String] = [], kinds: [OrganisationKind] = [], thematicAreas: [ThematicArea] = [], text: String? = nil,
        status: OrganisationStatus? = nil
    ) {
        self.countries = countries
        self.regions = regions
        self.kinds = kinds
        self.thematicAreas = thematicAreas
        self.text = text
        self.status = status
    }

    /// The regions the directory knows.
    public static let knownRegions: Set<String> = ["africa", "americas", "asia", "europe", "oceania", "antarctica"]
}
