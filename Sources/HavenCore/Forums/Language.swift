/// Language tags as Haven stores them (a BCP 47 subset: `en`, `fr`, `zh-Hans`, `pt-BR`).
public enum Language {
    /// The languages the platform works in, and whose text search stems words.
    public static let official: [String] = ["ar", "zh", "en", "fr", "ru", "es"]

    public static func isTag(_ tag: String) -> Bool {
        tag.count <= 35 && tag.wholeMatch(of: /[a-z]{2,3}(-[A-Za-z0-9]{2,8})*/) != nil
    }
}
