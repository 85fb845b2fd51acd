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
    /// Documents staff attached (in the platform library), oldest first.
    public let documents: [UUID]
    /// Staff's synthesis by language, once published after closing (empty before).
    public let synthesis: [String: String]
    public let synthesisPublishedAt: Date?

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
    /// The organisation's documents that come with it, each at the version attached.
    public let documents: [Attachment]

    /// A document attached to a contribution: what is submitted and exported is `version`.
    public struct Attachment: Sendable, Equatable {
        public let documentID: UUID
        public let version: Int
    }
}
