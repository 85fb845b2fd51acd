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
    /// An RFC 3339 date-time (`2026-11-26T17:43:15Z`, fractional seconds and any offset up to
    /// ±23:59 allowed, as the OpenAPI `date-time` format), or nil.
    static func date(_ text: String) -> Date? {
        guard let match = text.uppercased().wholeMatch(of: /(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})/),
            let year = Int(match.1), let month = Int(match.2), let day = Int(match.3), let hour = Int(match.4), let minute = Int(match.5),
            let second = Int(match.6), hour < 24, minute < 60, second <= 60
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: min(second, 59))
        guard let date = calendar.date(from: parts), calendar.component(.day, from: date) == day, calendar.component(.month, from: date) == month
        else { return nil }
        var offset = 0
        if match.8 != "Z" {
            let sign = match.8.first == "-" ? -1 : 1
            guard let hours = Int(match.8.dropFirst().prefix(2)), let minutes = Int(match.8.suffix(2)), hours < 24, minutes < 60 else { return nil }
            offset = sign * (hours * 3_600 + minutes * 60)
        }
        let fraction = match.7.flatMap { Double("0" + $0) } ?? 0
        return date.addingTimeInterval(fraction - Double(offset))
    }
}
