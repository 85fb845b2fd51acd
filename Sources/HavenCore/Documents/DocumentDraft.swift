import Foundation

/// What an uploader says about a document; checked by `validated()`.
public struct DocumentDraft: Sendable, Equatable {
    public var space: DocumentSpace
    public var titles: [String: String]
    public var descriptions: [String: String]
    public var language: String
    public var thematicAreas: [String]
    public var organisationId: UUID?
    public var licence: String
    public var tags: [String]

    public init(
        space: DocumentSpace, titles: [String: String], descriptions: [String: String] = [:], language: String,
        thematicAreas: [String] = [], organisationId: UUID? = nil, licence: String = "", tags: [String] = []
    ) {
        self.space = space
        self.titles = titles
        self.descriptions = descriptions
        self.language = language
        self.thematicAreas = thematicAreas
        self.organisationId = organisationId
        self.licence = licence
        self.tags = tags
    }

    /// Trimmed and checked: 1–10 titles of 1–200 characters keyed by language tags, descriptions
    /// up to 4,000, a language tag, up to 20 tags and thematic areas of up to 50 characters.
    public func validated() throws(AccountError) -> DocumentDraft {
        func trimmed(_ text: String) -> String { text.trimmingCharacters(in: .blank) }
        // Lengths as given (as the OpenAPI document counts them), then trimmed.
        func within(_ limit: Int) -> (String) -> Bool { { $0.unicodeScalars.count <= limit } }
        guard self.titles.values.allSatisfy(within(200)), self.descriptions.values.allSatisfy(within(4_000)), within(500)(self.licence),
            (self.tags + self.thematicAreas).allSatisfy(within(50))
        else { throw .invalidInput("Titles are at most 200 characters, descriptions 4,000, the licence 500, tags and thematic areas 50.") }
        var draft = self
        draft.titles = self.titles.mapValues(trimmed)
        draft.descriptions = self.descriptions.mapValues(trimmed).filter { !$0.value.isEmpty }
        draft.tags = Array(Set(self.tags.map { trimmed($0).lowercased() }.filter { !$0.isEmpty })).sorted()
        draft.thematicAreas = Array(Set(self.thematicAreas.map(trimmed).filter { !$0.isEmpty })).sorted()
        draft.licence = trimmed(self.licence)
        guard !draft.titles.isEmpty, draft.titles.count <= 10,
            draft.titles.allSatisfy({ Language.isTag($0.key) && (1...200).contains($0.value.count) })
        else { throw .invalidInput("Give titles (1–200 characters) keyed by language tags such as \"en\" or \"ar\".") }
        guard draft.descriptions.count <= 10, draft.descriptions.allSatisfy({ Language.isTag($0.key) && $0.value.count <= 4_000 }) else {
            throw .invalidInput("Descriptions are keyed by language tags and at most 4,000 characters each.")
        }
        guard Language.isTag(draft.language) else { throw .invalidInput("The language is a tag such as \"en\", \"ar\" or \"zh\".") }
        guard draft.tags.count <= 20, draft.thematicAreas.count <= 20,
            (draft.tags + draft.thematicAreas).allSatisfy({ $0.count <= 50 })
        else { throw .invalidInput("Up to 20 tags and 20 thematic areas, each at most 50 characters.") }
        guard draft.licence.count <= 500 else { throw .invalidInput("The licence note is at most 500 characters.") }
        return draft
    }
}
