import Foundation

/// What staff give to publish an event.
public struct EventDraft: Sendable, Equatable {
    public var kind: EventKind
    public var titles: [String: String]
    public var descriptions: [String: String]
    public var startsAt: Date
    public var endsAt: Date
    /// An IANA time zone identifier, e.g. `Europe/Vienna`.
    public var timeZone: String
    public var place: String?
    /// An `https://` link to join (a virtual event's meeting room).
    public var link: String?
    public var languages: [String]
    /// Places; nil for no limit.
    public var capacity: Int?
    public var audience: ConsultationAudience
    /// Optional questions asked on registration; ids are given on creation.
    public var questions: [ConsultationQuestion]

    public init(
        kind: EventKind, titles: [String: String], descriptions: [String: String] = [:], startsAt: Date, endsAt: Date, timeZone: String,
        place: String? = nil, link: String? = nil, languages: [String] = [], capacity: Int? = nil, audience: ConsultationAudience,
        questions: [ConsultationQuestion] = []
    ) {
        self.kind = kind
        self.titles = titles
        self.descriptions = descriptions
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.timeZone = timeZone
        self.place = place
        self.link = link
        self.languages = languages
        self.capacity = capacity
        self.audience = audience
        self.questions = questions
    }

    static let languages: Set<String> = ["ar", "zh", "en", "fr", "ru", "es"]
    /// Most places an event may offer.
    public static let capacityLimit = 100_000

    /// Texts by language: known languages only, each within `limit` code points, blanks dropped.
    static func texts(_ texts: [String: String], _ field: String, limit: Int, required: Bool) throws(EventError) -> [String: String] {
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
    func validated() throws(EventError) -> EventDraft {
        var draft = self
        draft.titles = try Self.texts(self.titles, "titles", limit: 200, required: true)
        draft.descriptions = try Self.texts(self.descriptions, "descriptions", limit: 20_000, required: false)
        guard self.endsAt > self.startsAt else { throw .invalid(field: "ends_at", "must be after starts_at") }
        // The IANA database's names only, as given: not abbreviations or offsets that Foundation would also take.
        guard self.timeZone.codePoints <= 64, self.timeZone == "UTC" || TimeZone.knownTimeZoneIdentifiers.contains(self.timeZone),
            TimeZone(identifier: self.timeZone) != nil
        else {
            throw .unknownTimeZone(self.timeZone)
        }
        if let place = self.place {
            guard let place = place.trimmed(fitting: 1...500) else { throw .invalid(field: "place", "1 to 500 characters") }
            draft.place = place
        }
        if let link = self.link {
            guard link.codePoints <= 2_000, let url = URL(string: link), url.scheme == "https", let host = url.host(), !host.isEmpty,
                !link.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 })
            else { throw .invalid(field: "link", "an https:// link of at most 2,000 characters") }
        }
        guard self.languages.allSatisfy(Self.languages.contains), Set(self.languages).count == self.languages.count else {
            throw .invalid(field: "languages", "distinct codes among ar, zh, en, fr, ru, es")
        }
        if let capacity = self.capacity, !(1...Self.capacityLimit).contains(capacity) {
            throw .invalid(field: "capacity", "between 1 and \(Self.capacityLimit) places, or leave it out for no limit")
        }
        guard self.questions.count <= 20 else { throw .invalid(field: "questions", "at most 20 questions") }
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
