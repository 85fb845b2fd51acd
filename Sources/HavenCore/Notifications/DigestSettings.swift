import Foundation

/// A member's digest: how often, and the categories followed (that they may still read).
public struct DigestSettings: Sendable, Encodable {
    public var frequency: DigestFrequency
    public var categories: [UUID]
}
