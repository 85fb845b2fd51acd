import Foundation
import PostgresClient

extension Forums {
    /// The names a post mentions: `@Name` (a display name without spaces) or `@[Display Name]`,
    /// lower-cased, at most ten.
    static func mentionedNames(in source: String) -> [String] {
        var names: [String] = []
        var rest = Substring(source)
        while let at = rest.firstIndex(of: "@"), names.count < 10 {
            // An address such as amina@example.org is not a mention.
            let before = rest[..<at].last
            rest = rest[rest.index(after: at)...]
            if let before, before.isLetter || before.isNumber { continue }
            var name: Substring
            if rest.first == "[", let close = rest.firstIndex(of: "]") {
                name = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
            } else {
                name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }
                rest = rest[name.endIndex...]
                while name.last == "." { name = name.dropLast() }
            }
            let trimmed = name.trimmingCharacters(in: .blank)
            if (1...100).contains(trimmed.count), !trimmed.contains(where: \.isNewline) { names.append(trimmed.lowercased()) }
        }
        return Array(Set(names)).sorted()
    }

    /// Tells the members a newly published post mentions, among those who may read it (so a
    /// mention never reveals a post, or a category, to someone outside it). Display names are
    /// not unique: everyone of that name who may read the post is told.
    func notifyMentions(in source: String, post: UUID, rules: CategoryRules, author: UUID?, on connection: PostgresConnection) async throws {
        let names = Self.mentionedNames(in: source)
        guard !names.isEmpty else { return }
        let rows = try await connection.query(
            """
            SELECT \(fragment: Actor.readerColumns) FROM accounts a
            WHERE lower(a.display_name) = ANY(\(names)) AND a.status = 'active' AND a.id IS DISTINCT FROM \(author)
            LIMIT 50
            """
        )
        let readers = try rows.map { try Actor.reader(from: $0) }
            .filter { Access.decide($0, .readPost(rules, author: author, state: .published)) == .allow }
            .map(\.accountID)
        try await self.notifications.record(Notice(.mention, to: readers, about: .init(.post, post)), on: connection)
    }
}
