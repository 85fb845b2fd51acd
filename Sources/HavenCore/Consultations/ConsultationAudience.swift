import Foundation

/// Which organisations a consultation asks: every active one, or those named, in these countries,
/// or working on these thematic areas (an organisation matching any of them is asked).
public struct ConsultationAudience: Sendable, Equatable, Codable {
    public var all: Bool
    public var organisations: [UUID]
    public var countries: [String]
    public var thematicAreas: [ThematicArea]

    public init(all: Bool = false, organisations: [UUID] = [], countries: [String] = [], thematicAreas: [ThematicArea] = []) {
        self.all = all
        self.organisations = organisations
        self.countries = countries
        self.thematicAreas = thematicAreas
    }
}
