import Foundation
import HavenCore
import HTTPTypes

/// The six languages of the interface, and how a request's language is chosen: the member's
/// preference, else the browser's choice on this site (a cookie the switcher sets for visitors
/// who are not signed in), else `Accept-Language`, else English.
public struct WebLanguage: Sendable, Equatable {
    public let code: String

    /// The languages in the switcher's order, each named in itself.
    public static let all: [(code: String, name: String)] = [
        ("ar", "العربية"), ("zh", "中文"), ("en", "English"), ("fr", "Français"), ("ru", "Русский"), ("es", "Español"),
    ]
    public static let codes = Set(all.map(\.code))
    public static let english = WebLanguage(code: "en")
    /// The cookie that keeps a signed-out visitor's choice.
    static let cookieName = "__Host-haven_lang"

    init(code: String) {
        self.code = code
    }

    /// `code` if it is one of the six (a region or script is ignored: `fr-CA` is `fr`).
    public init?(_ tag: String) {
        let primary = tag.split(separator: "-").first.map { $0.lowercased() } ?? ""
        guard Self.codes.contains(primary) else { return nil }
        self.code = primary
    }

    /// Right-to-left scripts (here: Arabic).
    public var isRightToLeft: Bool { self.code == "ar" }

    /// The language for a request.
    static func resolve(actor: Actor?, cookie: String?, acceptLanguage: String?) -> WebLanguage {
        if let actor, actor.sessionID != nil, let language = WebLanguage(actor.language) { return language }
        if let cookie, let language = WebLanguage(cookie) { return language }
        if let acceptLanguage, let language = Self.preferred(acceptLanguage) { return language }
        return .english
    }

    /// The first of the six in an `Accept-Language` header, by quality then order.
    static func preferred(_ header: String) -> WebLanguage? {
        let ranked = header.split(separator: ",").prefix(32).enumerated().compactMap { index, item -> (Double, Int, WebLanguage)? in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first, let language = WebLanguage(tag) else { return nil }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0 ? (quality, index, language) : nil
        }
        return ranked.min { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }?.2
    }

    /// A date and time as people of this language write it, in UTC (said so on the page).
    func format(_ date: Date) -> String {
        date.formatted(
            Date.FormatStyle(date: .abbreviated, time: .shortened, locale: Locale(identifier: self.code), timeZone: .gmt)
        )
    }

    /// A whole number as people of this language write it.
    func format(_ number: Int) -> String {
        number.formatted(IntegerFormatStyle<Int>(locale: Locale(identifier: self.code)))
    }
}
