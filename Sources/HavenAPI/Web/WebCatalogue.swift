import Foundation

/// The interface's strings, one catalogue file per language (`web-en.json` …), embedded in the
/// binary. Keys are flat (`sign_in_title`); templates read them as `{{t.sign_in_title}}`. A
/// string with `{name}` placeholders is filled by `format`.
public struct WebCatalogue: Sendable {
    /// Each language's strings by key.
    public let strings: [String: [String: String]]

    /// The embedded catalogues.
    public static let embedded = WebCatalogue(
        files: EmbeddedFiles.all.filter { $0.name.hasPrefix("web-") && $0.name.hasSuffix(".json") }
    )

    init(files: [(name: String, contents: String)]) {
        var strings: [String: [String: String]] = [:]
        for file in files {
            let code = String(file.name.dropFirst("web-".count).dropLast(".json".count))
            let table = (try? JSONSerialization.jsonObject(with: Data(file.contents.utf8))) as? [String: String]
            strings[code] = table ?? [:]
        }
        self.strings = strings
    }

    /// The strings of `language`, falling back to English key by key (a missing key is a test
    /// failure, never a blank on the page).
    public func table(_ language: WebLanguage) -> [String: String] {
        let english = self.strings["en"] ?? [:]
        guard language.code != "en" else { return english }
        return english.merging(self.strings[language.code] ?? [:]) { $1 }
    }

    /// `key`'s string in `language` with each `{name}` replaced by its value.
    public func format(_ key: String, _ language: WebLanguage, _ values: [String: String] = [:]) -> String {
        var text = self.strings[language.code]?[key] ?? self.strings["en"]?[key] ?? key
        for (name, value) in values { text = text.replacing("{\(name)}", with: value) }
        return text
    }

    /// Keys some language has and `code` lacks (empty for a complete catalogue).
    public func missingKeys(in code: String) -> Set<String> {
        let every = self.strings.values.reduce(into: Set<String>()) { $0.formUnion($1.keys) }
        return every.subtracting(self.strings[code]?.keys.map { $0 } ?? [])
    }
}
