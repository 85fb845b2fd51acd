import Foundation
import PostgresClient

extension Forums {
    /// Published posts the searcher may see that match, best first. Stemming follows each post's
    /// language (Schema/0004: Arabic without diacritics, Chinese as character bigrams).
    public func search(_ query: SearchQuery, by actor: Actor) async throws -> Page<SearchHit> {
        try Access.require(actor, .searchForums)
        guard let words = query.words.trimmed(fitting: 1...200) else { throw AccountError.invalidInput("Search for 1 to 200 characters.") }
        if let language = query.language, !Language.isTag(language) {
            throw AccountError.invalidInput("The language is a tag such as \"en\", \"ar\" or \"zh\".")
        }
        let cursor = try Self.searchCursor(query.after)
        if let wait = self.searchLimiter.admit(actor.accountID) { throw ForumError.rateLimited(retryAfter: wait) }
        let visible = try await self.storedCategories().filter { Access.decide(actor, .readCategory($0.effective)) == .allow }
        var categories = visible.map(\.id)
        if let wanted = query.categoryId {
            // A category one cannot see (or that does not exist) simply has no results.
            categories = visible.filter { $0.id == wanted || $0.parentId == wanted }.map(\.id)
        }
        let limit = 20
        let rows = try await self.pool.withTransaction { connection in
            // A generic plan (which PostgreSQL may switch to after five runs of a prepared
            // statement) cannot know how common the words are, and scans the posts in order:
            // seconds instead of milliseconds. Each search is planned for its own words.
            try await connection.executeScript("SET LOCAL plan_cache_mode = force_custom_plan")
            return try await connection.query(
                """
                WITH q AS (SELECT forum_search_query(\(words), \(query.language)) AS query),
                hits AS (
                    SELECT p.seq, p.id, p.topic_id, p.category_id, p.author_id, p.language, p.created_at, p.source,
                           ts_rank(p.search_vector, q.query) AS rank
                    FROM forum_posts p CROSS JOIN q
                    WHERE p.state = 'published' AND p.search_vector @@ q.query AND p.category_id = ANY(\(categories))
                      AND NOT EXISTS (SELECT 1 FROM forum_topics t WHERE t.id = p.topic_id AND t.state <> 'published')
                      AND (\(query.authorId)::uuid IS NULL OR (p.author_id = \(query.authorId)
                           -- A pseudonymous post is never found by its author's id, except by that author.
                           AND (p.author_id = \(actor.accountID)
                                OR NOT EXISTS (SELECT 1 FROM forum_categories x WHERE x.id = p.category_id AND x.pseudonymous))))
                      AND (\(query.language)::text IS NULL OR p.language = \(query.language) OR p.language LIKE \(query.language) || '-%')
                      AND (\(query.since)::timestamptz IS NULL OR p.created_at >= \(query.since))
                      AND (\(query.until)::timestamptz IS NULL OR p.created_at < \(query.until))
                ), page AS (
                    SELECT * FROM hits
                    WHERE \(cursor?.seq)::bigint IS NULL OR (rank, seq) < (\(cursor?.rank)::real, \(cursor?.seq))
                    ORDER BY rank DESC, seq DESC LIMIT \(limit + 1)
                )
                SELECT page.seq, page.id, page.topic_id, t.title, page.category_id,
                       CASE WHEN c.pseudonymous THEN NULL ELSE page.author_id END, CASE WHEN c.pseudonymous THEN ps.pseudonym ELSE a.display_name END,
                       page.language,
                       page.created_at, page.rank,
                       ts_headline(forum_search_config(page.language), forum_search_text(page.source), q.query,
                                   'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'),
                       page.source
                FROM page CROSS JOIN q JOIN forum_topics t ON t.id = page.topic_id JOIN forum_categories c ON c.id = page.category_id
                LEFT JOIN accounts a ON a.id = page.author_id
                LEFT JOIN forum_pseudonyms ps ON ps.topic_id = page.topic_id AND ps.account_id = page.author_id
                ORDER BY page.rank DESC, page.seq DESC
                """
            )
        }
        let hits = try rows.map { row in
            let (seq, id, topic, title, category, author, name, language, created, rank, headline, source) =
                try row.decode((Int, UUID, UUID, String, UUID, UUID?, String?, String, Date, Float, String, String).self)
            let snippet = language.hasPrefix("zh") ? Self.hanSnippet(of: source, for: words) : Self.markedSnippet(headline)
            return (seq, rank, SearchHit(
                postId: id, topicId: topic, topicTitle: title, categoryId: category, authorId: author, authorName: name, language: language,
                createdAt: created, rank: Double(rank), snippet: snippet
            ))
        }
        let page = hits.prefix(limit)
        let next = hits.count > limit ? page.last.map { "\(String($0.1.bitPattern, radix: 16)).\($0.0)" } : nil
        return Page(items: page.map(\.2), next: next)
    }

    /// A search cursor: the last hit's rank (as the bits of its 32-bit float) and sequence number.
    static func searchCursor(_ cursor: String?) throws(AccountError) -> (rank: Float, seq: Int)? {
        guard let cursor else { return nil }
        let parts = cursor.split(separator: ".")
        guard parts.count == 2, let bits = UInt32(parts[0], radix: 16), let seq = Int(parts[1]), seq >= 0 else {
            throw .invalidInput("The cursor is not valid.")
        }
        return (Float(bitPattern: bits), seq)
    }

    /// A `ts_headline` with its STX/ETX markers turned into `<mark>` around escaped text.
    static func markedSnippet(_ headline: String) -> String {
        HTMLText.escape(headline).replacingOccurrences(of: "\u{2}", with: "<mark>").replacingOccurrences(of: "\u{3}", with: "</mark>")
    }

    /// A snippet of Chinese text around the first run of the query's Chinese characters (the
    /// bigram index does not map back to the original text for `ts_headline`).
    static func hanSnippet(of source: String, for words: String) -> String {
        let runs = words.split(whereSeparator: { !Self.isHan($0) }).map(String.init).filter { !$0.isEmpty }
        let text = Array(source)
        for run in runs {
            let needle = Array(run)
            guard needle.count <= text.count else { continue }
            for start in 0...(text.count - needle.count) where Array(text[start..<(start + needle.count)]) == needle {
                let before = String(text[max(0, start - 30)..<start])
                let after = String(text[(start + needle.count)..<min(text.count, start + needle.count + 60)])
                return HTMLText.escape(before) + "<mark>" + HTMLText.escape(run) + "</mark>" + HTMLText.escape(after)
            }
        }
        return HTMLText.escape(String(text.prefix(90)))
    }

    static func isHan(_ character: Character) -> Bool {
        character.unicodeScalars.allSatisfy { (0x3400...0x4DBF).contains($0.value) || (0x4E00...0x9FFF).contains($0.value) || (0xF900...0xFAFF).contains($0.value) }
    }
}
