import Foundation

/// A registration as staff see it in the participant list: with who it is.
public struct Participant: Sendable, Equatable {
    public let registration: Registration
    public let displayName: String?
    public let email: String
    /// The organisation's name (its English one when it has it).
    public let organisationName: String?
}
