import Foundation

/// NIST SP 800-63B-4 password rules: a length range, any Unicode (compared after NFKC), no
/// composition rules, and no password that is common or built from the user's own details.
public struct PasswordPolicy: Sendable {
    /// Fewest Unicode code points (15 by default, never below 8).
    public let minimumLength: Int
    public static let maximumLength = 256

    public init(minimumLength: Int = 15) {
        self.minimumLength = max(8, minimumLength)
    }

    /// The password as it is hashed (NFKC), if it passes.
    /// - Parameter context: the user's name and email, which the password must not contain.
    public func check(_ password: String, context: [String]) throws(AccountError) -> String {
        let normalized = password.precomposedStringWithCompatibilityMapping
        let length = normalized.unicodeScalars.count
        guard length >= self.minimumLength else {
            throw .passwordRejected("The password must be at least \(self.minimumLength) characters long.")
        }
        guard length <= Self.maximumLength else {
            throw .passwordRejected("The password must be at most \(Self.maximumLength) characters long.")
        }
        let folded = normalized.lowercased()
        if CommonPasswords.contains(folded) {
            throw .passwordRejected("This password is one of the most common ones; choose another.")
        }
        for item in context {
            let parts = [item.lowercased()] + item.lowercased().split(whereSeparator: { $0 == "@" || $0 == " " || $0 == "." }).map(String.init)
            for part in parts where part.count >= 4 && folded.contains(part) {
                throw .passwordRejected("The password must not contain your name or email address.")
            }
        }
        return normalized
    }
}

/// The common-password list shipped with Haven (see NOTICE), lower-cased.
enum CommonPasswords {
    static let all: Set<String> = {
        let text = EmbeddedFiles.all.first { $0.name == "common-passwords.txt" }?.contents ?? ""
        return Set(text.split(separator: "\n").map { $0.lowercased() })
    }()

    static func contains(_ password: String) -> Bool { self.all.contains(password) }
}
