import Foundation

/// One person's registration for an event.
public struct Registration: Sendable, Equatable {
    /// Where the registration stands.
    public enum Status: String, Sendable, Equatable, CaseIterable {
        /// Has a place.
        case registered
        /// In line for a place.
        case waiting
        /// Has a place, confirmed by staff.
        case confirmed
        /// Given up (by the person, their organisation's admin or staff).
        case cancelled

        /// Whether it holds one of the event's places.
        public var hasPlace: Bool { self == .registered || self == .confirmed }
    }

    public let id: UUID
    public let eventID: UUID
    public let accountID: UUID
    public let organisationID: UUID?
    public let registeredBy: UUID?
    public let status: Status
    public let answers: [String: String]
    /// Place in the waiting list (1: next), while waiting.
    public let waitingPosition: Int?
    public let createdAt: Date
}
