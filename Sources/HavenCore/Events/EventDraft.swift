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

    /// Most places an event may offer.
    public static let capacityLimit = 100_000

    /// Checks every field, naming the first one at fault; numbers the questions `q1`, `q2`…
    func validated() throws(EventError) -> EventDraft {
        var draft = self
        draft.titles = try EventError.form { () throws(Form.Failure) in try Form.texts(self.titles, "titles", limit: 200, required: true) }
        draft.descriptions = try EventError.form { () throws(Form.Failure) in
            try Form.texts(self.descriptions, "descriptions", limit: 20_000, required: false)
        }
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
        guard self.languages.allSatisfy(Form.languages.contains), Set(self.languages).count == self.languages.count else {
            throw .invalid(field: "languages", "distinct codes among ar, zh, en, fr, ru, es")
        }
        if let capacity = self.capacity, !(1...Self.capacityLimit).contains(capacity) {
            throw .invalid(field: "capacity", "between 1 and \(Self.capacityLimit) places, or leave it out for no limit")
        }
        draft.questions = try EventError.form { () throws(Form.Failure) in try Form.questions(self.questions, count: 0...20) }
        try EventError.form { () throws(Form.Failure) in try Form.audience(self.audience) }
        return draft
    }
}
