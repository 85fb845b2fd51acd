import Foundation
import Hummingbird

extension Request {
    /// The query parameter `name` parsed by `parse`, nil when absent; a value that does not parse
    /// is refused with a problem naming the parameter.
    func query<Value>(_ name: String, _ parse: (String) -> Value?) throws -> Value? {
        guard let text = self.uri.queryParameters[Substring(name)] else { return nil }
        // PostgreSQL text cannot hold U+0000, and no legitimate parameter needs it.
        guard !text.unicodeScalars.contains("\u{0}"), let value = parse(String(text)) else {
            throw Problem(.invalidInput, detail: "The query parameter \(name) is not valid.")
        }
        return value
    }
}

/// Parsers for `Request.query`.
enum Parse {
    static func uuid(_ text: String) -> UUID? { UUID(uuidString: text) }
    static func text(_ text: String) -> String? { text }
    /// A page cursor; empty is the same as none.
    static func cursor(_ text: String) -> String?? { .some(text.isEmpty ? nil : text) }
    static func date(_ text: String) -> Date? { try? Date(text, strategy: .iso8601) }
}
