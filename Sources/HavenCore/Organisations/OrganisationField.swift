/// What an organisation may show members of other organisations beyond its names; its own
/// members and staff always see everything.
public enum OrganisationField: String, Sendable, Codable, CaseIterable {
    /// Whether it appears to them at all (in lists, and when read by id).
    case listed
    case country
    case kind
    case thematicAreas = "thematic_areas"
    case profile
}
