import Foundation

extension CharacterSet {
    /// What counts as blank around user-entered text: exactly the white space and line breaks that
    /// `\s` matches in the OpenAPI document's (ECMAScript) patterns, so that "not blank" means the
    /// same here as there.
    public static let blank = CharacterSet(
        charactersIn: "\t\n\u{0B}\u{0C}\r \u{A0}\u{1680}\u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2005}\u{2006}\u{2007}\u{2008}\u{2009}\u{200A}"
            + "\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}\u{FEFF}"
    )
}
