/// What consultations and events ask of staff and members alike, checked the same way for both:
/// texts in the six UN languages, questions, an audience, and answers to the questions. Each
/// says a failure in its own error (`ConsultationError`, `EventError`).
enum Form {
    /// A field at fault and why, or an answer to a question that is not asked.
    enum Failure: Error, Equatable {
        case invalid(field: String, String)
        case unknownQuestion(String)
    }

    /// The languages texts may be given in.
    static let languages: Set<String> = ["ar", "zh", "en", "fr", "ru", "es"]

    /// Texts by language (the six only), trimmed, each at most `limit` code points; empty ones are
    /// dropped, and with `required` at least one must remain.
    static func texts(_ texts: [String: String], _ field: String, limit: Int, required: Bool) throws(Failure) -> [String: String] {
        var trimmed: [String: String] = [:]
        for (language, text) in texts {
            guard Self.languages.contains(language) else { throw .invalid(field: field, "\(language) is not one of ar, zh, en, fr, ru, es") }
            guard let text = text.trimmed(fitting: 0...limit) else { throw .invalid(field: field, "at most \(limit) characters") }
            if !text.isEmpty { trimmed[language] = text }
        }
        if required && trimmed.isEmpty { throw .invalid(field: field, "give it in at least one language") }
        return trimmed
    }

    /// Between `count` questions, their prompts checked as texts and their choices (2 to 20
    /// distinct ones) trimmed, numbered `q1`, `q2`…
    static func questions(_ questions: [ConsultationQuestion], count: ClosedRange<Int>) throws(Failure) -> [ConsultationQuestion] {
        guard count.contains(questions.count) else { throw .invalid(field: "questions", "between \(count.lowerBound) and \(count.upperBound) questions") }
        var checked: [ConsultationQuestion] = []
        for (index, question) in questions.enumerated() {
            let field = "questions[\(index)]"
            var numbered = ConsultationQuestion(id: "q\(index + 1)", prompts: try Self.texts(question.prompts, field, limit: 2_000, required: true))
            if let choices = question.choices {
                let trimmed = choices.compactMap { $0.trimmed(fitting: 1...200) }
                guard (2...20).contains(trimmed.count), trimmed.count == choices.count, Set(trimmed).count == trimmed.count else {
                    throw .invalid(field: field, "a choice question has 2 to 20 distinct choices of at most 200 characters")
                }
                numbered.choices = trimmed
            }
            checked.append(numbered)
        }
        return checked
    }

    /// An audience that names someone: every organisation, or some organisations, countries (as
    /// ISO codes) or thematic areas; at most 1,000 organisations and countries.
    static func audience(_ audience: ConsultationAudience) throws(Failure) {
        guard audience.all || !audience.organisations.isEmpty || !audience.countries.isEmpty || !audience.thematicAreas.isEmpty else {
            throw .invalid(field: "audience", "choose all organisations, or some organisations, countries or thematic areas")
        }
        guard audience.countries.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isUppercase } }) else {
            throw .invalid(field: "audience.countries", "ISO 3166-1 alpha-2 codes, e.g. KE")
        }
        guard audience.organisations.count + audience.countries.count <= 1_000 else { throw .invalid(field: "audience", "at most 1,000 entries") }
    }

    /// Answers to `questions` only, trimmed, each at most `limit` code points, choices among the
    /// question's; empty answers are dropped.
    static func answers(_ answers: [String: String], to questions: [ConsultationQuestion], limit: Int) throws(Failure) -> [String: String] {
        var checked: [String: String] = [:]
        for (id, answer) in answers {
            guard let question = questions.first(where: { $0.id == id }) else { throw .unknownQuestion(id) }
            guard let answer = answer.trimmed(fitting: 0...limit) else { throw .invalid(field: "answers.\(id)", "at most \(limit) characters") }
            if let choices = question.choices, !answer.isEmpty, !choices.contains(answer) {
                throw .invalid(field: "answers.\(id)", "one of the question's choices")
            }
            if !answer.isEmpty { checked[id] = answer }
        }
        return checked
    }
}
