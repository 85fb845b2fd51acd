import Foundation

/// What staff give to open a consultation.
public struct ConsultationDraft: Sendable, Equatable {
    public var titles: [String: String]
    public var descriptions: [String: String]
    /// The questions' prompts and choices, in order; ids are given on creation.
    public var questions: [ConsultationQuestion]
    public var audience: ConsultationAudience
    public var opensAt: Date
    public var closesAt: Date

    public init(
        titles: [String: String], descriptions: [String: String] = [:], questions: [ConsultationQuestion], audience: ConsultationAudience,
        opensAt: Date, closesAt: Date
    ) {
        self.titles = titles
        self.descriptions = descriptions
        self.questions = questions
        self.audience = audience
        self.opensAt = opensAt
        self.closesAt = closesAt
    }

    /// Checks every field, naming the first one at fault; numbers the questions `q1`, `q2`…
    func validated() throws(ConsultationError) -> ConsultationDraft {
        try ConsultationError.form { () throws(Form.Failure) in
            var draft = self
            draft.titles = try Form.texts(self.titles, "titles", limit: 200, required: true)
            draft.descriptions = try Form.texts(self.descriptions, "descriptions", limit: 20_000, required: false)
            draft.questions = try Form.questions(self.questions, count: 1...50)
            guard self.closesAt > self.opensAt else { throw .invalid(field: "closes_at", "must be after opens_at") }
            try Form.audience(self.audience)
            return draft
        }
    }
}
