import Foundation

/// A forum search: words in the searcher's syntax (`"a phrase"`, `or`, `-word`) and filters.
public struct SearchQuery: Sendable, Equatable {
    public var words: String
    /// Only this category (and its subcategories).
    public var categoryId: UUID?
    public var authorId: UUID?
    /// Only posts in this language, with its stemming; otherwise all six are tried.
    public var language: String?
    public var since: Date?
    public var until: Date?
    /// The previous page's cursor.
    public var after: String?

    public init(
        words: String, categoryId: UUID? = nil, authorId: UUID? = nil, language: String? = nil, since: Date? = nil, until: Date? = nil,
        after: String? = nil
    ) {
        self.words = words
        self.categoryId = categoryId
        self.authorId = authorId
        self.language = language
        self.since = since
        self.until = until
        self.after = after
    }
}

/// A post that matched, ranked, with a snippet where the matching words are marked with `<mark>`
/// (the rest of the snippet is escaped text).
public struct SearchHit: Sendable, Codable, Equatable {
    public var postId: UUID
    public var topicId: UUID
    public var topicTitle: String
    public var categoryId: UUID
    public var authorId: UUID?
    public var authorName: String?
    public var language: String
    public var createdAt: Date
    public var rank: Double
    public var snippet: String
}
