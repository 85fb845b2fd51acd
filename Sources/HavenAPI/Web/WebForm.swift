import Foundation

/// The fields of a submitted HTML form (`application/x-www-form-urlencoded`), in order; a name
/// may repeat (checkboxes).
public struct WebForm: Sendable {
    public let fields: [(name: String, value: String)]

    public static let empty = WebForm(fields: [])

    init(fields: [(name: String, value: String)]) {
        self.fields = fields
    }

    /// Parses a urlencoded body; nil when it is not valid (bad percent escapes, invalid UTF-8, NUL).
    init?(urlencoded body: String) {
        var fields: [(String, String)] = []
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String? {
                text.replacing("+", with: " ").removingPercentEncoding
            }
            guard let name = decode(parts[0]), let value = parts.count > 1 ? decode(parts[1]) : "",
                !name.contains("\u{0}"), !value.contains("\u{0}")
            else { return nil }
            fields.append((name, value))
        }
        self.fields = fields
    }

    /// The first value of `name`, if present.
    public subscript(_ name: String) -> String? {
        self.fields.first { $0.name == name }?.value
    }

    /// Every value of `name`.
    public func all(_ name: String) -> [String] {
        self.fields.filter { $0.name == name }.map(\.value)
    }

    /// The value of `name` with surrounding white space removed, or nil when absent or empty.
    public func text(_ name: String) -> String? {
        guard let value = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Whether a checkbox `name` was ticked.
    public func isChecked(_ name: String) -> Bool {
        self[name] != nil
    }
}
