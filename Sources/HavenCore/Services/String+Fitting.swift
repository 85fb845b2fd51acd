import Foundation

extension StringProtocol {
    /// The length the OpenAPI document's `minLength` and `maxLength` mean: Unicode code points
    /// (JSON Schema counts them), not the grapheme clusters `count` gives, which are fewer for
    /// Arabic with diacritics or an emoji sequence. Checking with `count` would let through a text
    /// the document calls too long.
    public var codePoints: Int { self.unicodeScalars.count }
}

extension String {
    /// This text without surrounding blanks, when it fits `lengths`; nil when it does not.
    ///
    /// The upper bound applies to the text as given, as the OpenAPI document's `maxLength` does,
    /// so that a text the document refuses is refused here too however much of it is blank; the
    /// lower bound applies to what is left after trimming, so blanks alone are not a text.
    public func trimmed(fitting lengths: ClosedRange<Int>, trimming blanks: CharacterSet = .blank) -> String? {
        guard self.codePoints <= lengths.upperBound else { return nil }
        let trimmed = self.trimmingCharacters(in: blanks)
        return trimmed.codePoints >= lengths.lowerBound ? trimmed : nil
    }
}
