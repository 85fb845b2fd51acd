/// How often a member receives the digest of the categories they follow.
public enum DigestFrequency: String, Sendable, CaseIterable, Codable {
    case off, daily, weekly

    /// Seconds between two digests.
    var period: Int? {
        switch self {
        case .off: nil
        case .daily: 86_400
        case .weekly: 7 * 86_400
        }
    }
}
