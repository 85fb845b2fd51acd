import Foundation

/// An event as one viewer sees it: the place and link only when `showsWhereabouts`, that is
/// for staff and for those with a place.
public struct Event: Sendable, Equatable {
    public let id: UUID
    public let kind: EventKind
    public let titles: [String: String]
    public let descriptions: [String: String]
    public let startsAt: Date
    public let endsAt: Date
    /// IANA identifier, e.g. `Africa/Nairobi`.
    public let timeZone: String
    /// Where it is held; nil when there is none or the viewer may not know it.
    public let place: String?
    /// The link to join; nil when there is none or the viewer may not know it.
    public let link: String?
    public let languages: [String]
    /// Places (nil: no limit).
    public let capacity: Int?
    public let audience: ConsultationAudience
    public let questions: [ConsultationQuestion]
    public let report: [String: String]
    /// The documents attached as material, oldest first.
    public let materials: [UUID]
    public let followUpTopicID: UUID?
    public let createdAt: Date
    /// The viewer's own live registration, if any.
    public let registration: Registration?

    /// Whether registrations may still change at `date`.
    public func isOpen(at date: Date) -> Bool { date < self.startsAt }
}
