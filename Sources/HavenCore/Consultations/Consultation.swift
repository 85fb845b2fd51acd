import Foundation

/// A call for input as its audience and staff see it.
public struct Consultation: Sendable, Equatable {
    public let id: UUID
    public let titles: [String: String]
    public let descriptions: [String: String]
    public let questions: [ConsultationQuestion]
    public let audience: ConsultationAudience
    public let opensAt: Date
    public let closesAt: Date
    public let createdAt: Date

    /// Whether contributions may be drafted and submitted at `date`.
    public func isOpen(at date: Date) -> Bool { date >= self.opensAt && date < self.closesAt }
}

/// One organisation's answers to a consultation.
public struct Contribution: Sendable, Equatable {
    /// Whether, and how, the organisation consents to its contribution being published.
    public enum Publication: String, Sendable, Equatable, CaseIterable {
        case none, anonymous, named
    }

    public let consultationID: UUID
    public let organisationID: UUID
    public let answers: [String: String]
    public let updatedAt: Date?
    public let submittedAt: Date?
    public let publication: Publication
}
