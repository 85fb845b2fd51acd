import Foundation
import PostgresClient

/// Fills the forums with invented but plausible content, for benchmarks and demonstrations:
/// authors, topics in the members' categories in the six languages, their posts (rendered and
/// indexed as real posts are), reactions, and read state. Written in batches; never run it on a
/// database with real members.
public struct ForumSeeder: Sendable {
    public var topics: Int
    public var posts: Int
    public var authors: Int
    public var seed: UInt64

    public init(topics: Int = 10_000, posts: Int = 1_000_000, authors: Int = 500, seed: UInt64 = 1) {
        self.topics = topics
        self.posts = posts
        self.authors = authors
        self.seed = seed
    }

    /// What a seeding made.
    public struct Summary: Sendable {
        public var topics: [UUID]
        public var authors: [UUID]
    }

    /// Seeds through `pool`, calling `progress(done, total)` after each batch of posts.
    public func run(on pool: PostgresPool, progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Summary {
        guard self.topics > 0, self.posts >= self.topics, self.authors > 0 else {
            throw AccountError.invalidInput("Seed at least one author, one topic, and a post per topic.")
        }
        var text = ForumSeedText(seed: self.seed)
        // Distinct authors' addresses on every run, so a database can be seeded twice.
        let run = String(UInt64.random(in: 0..<(1 << 40)), radix: 36)
        let authors = try await pool.query(
            """
            INSERT INTO accounts (email, display_name, role, status)
            SELECT 'seed-' || \(run) || '-' || n || '@haven.invalid', 'Seeded member ' || n, 'member', 'active'
            FROM generate_series(1, \(self.authors)) n
            RETURNING id
            """
        ).map { try $0.decode(column: 0, as: UUID.self) }
        let categories = try await pool.query(
            "SELECT id FROM forum_categories WHERE visibility = 'members' AND posting = 'members' ORDER BY position"
        ).map { try $0.decode(column: 0, as: UUID.self) }
        guard !categories.isEmpty else { throw AccountError.invalidInput("There is no members' category to seed.") }
        let languages = Language.official

        // Topics, oldest first, spread over the last two years.
        let start = Date().addingTimeInterval(-2 * 365 * 86_400)
        let span = 2 * 365 * 86_400.0
        var topicIDs: [UUID] = []
        var topicCategory: [UUID] = []
        var topicLanguage: [String] = []
        var topicTitle: [String] = []
        for batch in stride(from: 0, to: self.topics, by: 5_000) {
            let range = batch..<min(batch + 5_000, self.topics)
            var (category, author, title, language, created): ([UUID], [UUID], [String], [String], [Date]) = ([], [], [], [], [])
            for index in range {
                let tongue = languages[index % languages.count]
                category.append(categories[index % categories.count])
                author.append(authors[text.below(authors.count)])
                language.append(tongue)
                let words = text.text(words: 3 + text.below(5), in: tongue)
                title.append(String(words.dropLast()))
                created.append(start.addingTimeInterval(span * Double(index) / Double(self.topics)))
            }
            let ids = try await pool.query(
                """
                INSERT INTO forum_topics (category_id, author_id, title, language, state, created_at, last_posted_at)
                SELECT c, a, t, l, 'published', d, d FROM unnest(\(category)::uuid[], \(author)::uuid[], \(title)::text[], \(language)::text[],
                    \(created)::timestamptz[]) AS u(c, a, t, l, d)
                RETURNING id
                """
            ).map { try $0.decode(column: 0, as: UUID.self) }
            topicIDs += ids
            topicCategory += category
            topicLanguage += language
            topicTitle += title
        }

        // Posts: every topic's first post, then replies spread over the topics, in time order.
        let batchSize = 5_000
        var written = 0
        while written < self.posts {
            let count = min(batchSize, self.posts - written)
            var (topic, category, author, language, title, first, source, html, created):
                ([UUID], [UUID], [UUID], [String], [String], [Bool], [String], [String], [Date]) = ([], [], [], [], [], [], [], [], [])
            for offset in 0..<count {
                let index = written + offset
                // The first `topics` posts open the topics; the rest go to random earlier-or-same topics.
                let topicIndex = index < self.topics ? index : text.below(self.topics)
                let tongue = topicLanguage[topicIndex]
                topic.append(topicIDs[topicIndex])
                category.append(topicCategory[topicIndex])
                author.append(authors[text.below(authors.count)])
                language.append(tongue)
                first.append(index < self.topics)
                title.append(index < self.topics ? topicTitle[topicIndex] : "")
                let body = (0..<(1 + text.below(3))).map { _ in text.text(words: 6 + text.below(14), in: tongue) }.joined(separator: " ")
                source.append(body)
                html.append(Markdown.render(body))
                created.append(start.addingTimeInterval(span * Double(index) / Double(self.posts)))
            }
            try await pool.execute(
                """
                INSERT INTO forum_posts (topic_id, category_id, author_id, language, title, is_first, source, html, state, search_vector, created_at)
                SELECT t, c, a, l, ti, f, s, h, 'published', forum_search_vector(l, ti, s), d
                FROM unnest(\(topic)::uuid[], \(category)::uuid[], \(author)::uuid[], \(language)::text[], \(title)::text[], \(first)::bool[],
                    \(source)::text[], \(html)::text[], \(created)::timestamptz[]) AS u(t, c, a, l, ti, f, s, h, d)
                """
            )
            written += count
            progress(written, self.posts)
        }

        // Topic counters, some reactions, and the authors' read state.
        try await pool.execute(
            """
            UPDATE forum_topics t SET last_post_seq = s.last_seq, last_posted_at = s.last_at, reply_count = s.replies
            FROM (SELECT topic_id, max(seq) AS last_seq, max(created_at) AS last_at, count(*) - 1 AS replies
                  FROM forum_posts WHERE topic_id = ANY(\(topicIDs)) GROUP BY topic_id) s
            WHERE t.id = s.topic_id
            """
        )
        try await pool.execute(
            """
            INSERT INTO forum_reactions (post_id, account_id, kind)
            SELECT p.id, (\(authors)::uuid[])[1 + (p.seq * 7919) % \(authors.count)],
                   (ARRAY['like', 'thanks', 'insightful', 'support'])[1 + p.seq % 4]
            FROM forum_posts p WHERE p.topic_id = ANY(\(topicIDs)) AND p.seq % 5 = 0
            ON CONFLICT DO NOTHING
            """
        )
        // Vacuumed now rather than by autovacuum in the middle of whatever runs next.
        try await pool.execute("VACUUM (ANALYZE) forum_topics, forum_posts, forum_reactions")
        return Summary(topics: topicIDs, authors: authors)
    }
}
