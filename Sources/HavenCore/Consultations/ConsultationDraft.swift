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

    static let languages: Set<String> = ["ar", "zh", "en", "fr", "ru", "es"]

    /// Texts by language (the six only), trimmed, each at most `limit` code points; empty ones are
    /// dropped, and with `required` at least one must remain.
    static func texts(_ texts: [String: String], _ field: String, limit: Int, required: Bool) throws(ConsultationError) -> [String: String] {
        var trimmed: [String: String] = [:]
        for (language, text) in texts {
            guard Self.languages.contains(language) else { throw .invalid(field: field, "\(language) is not one of ar, zh, en, fr, ru, es") }
            guard let text = text.trimmed(fitting: 0...limit) else { throw .invalid(field: field, "at most \(limit) characters") }
            if !text.isEmpty { trimmed[language] = text }
        }
        if required && trimmed.isEmpty { throw .invalid(field: field, "give it in at least one language") }
        return trimmed
    }

    /// Checks every field, naming the first one at fault; numbers the questions `q1`, `q2`…
    func validated() throws(ConsultationError) -> ConsultationDraft {
        var draft = self
        draft.titles = try Self.texts(self.titles, "titles", limit: 200, required: true)
        draft.descriptions = try Self.texts(self.descriptions, "descriptions", limit: 20_000, required: false)
        guard (1...50).contains(self.questions.count) else { throw .invalid(field: "questions", "between 1 and 50 questions") }
        draft.questions = []
        for (index, question) in self.questions.enumerated() {
            let field = "questions[\(index)]"
            var checked = ConsultationQuestion(id: "q\(index + 1)", prompts: try Self.texts(question.prompts, field, limit: 2_000, required: true))
            if let choices = question.choices {
                let trimmed = choices.compactMap { $0.trimmed(fitting: 1...200) }
                guard (2...20).contains(trimmed.count), trimmed.count == choices.count, Set(trimmed).count == trimmed.count else {
                    throw .invalid(field: field, "a choice question has 2 to 20 distinct choices of at most 200 characters")
                }
                checked.choices = trimmed
            }
            draft.questions.append(checked)
        }
        guard self.closesAt > self.opensAt else { throw .invalid(field: "closes_at", "must be after opens_at") }
        let audience = self.audience
        guard audience.all || !audience.organisations.isEmpty || !audience.countries.isEmpty || !audience.thematicAreas.isEmpty else {
            throw .invalid(field: "audience", "choose all organisations, or some organisations, countries or thematic areas")
        }
        guard audience.countries.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isUppercase } }) else {
            throw .invalid(field: "audience.countries", "ISO 3166-1 alpha-2 codes, e.g. KE")
        }
        guard audience.organisations.count + audience.countries.count <= 1_000 else { throw .invalid(field: "audience", "at most 1,000 entries") }
        return draft
    }
}
