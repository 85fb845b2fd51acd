import Foundation
import OpenSSLTLS

/// A bearer secret (session, invitation, reset or API token): 256 random bits, given to the
/// client once as base64url text; the server keeps only its SHA-256.
public struct SecretToken: Sendable, Hashable {
    /// The text the client holds.
    public let text: String

    /// A new random token, with an optional visible prefix (e.g. `haven_pat_` for API tokens).
    public static func generate(prefix: String = "") -> SecretToken {
        SecretToken(text: prefix + Base64URL.encode(SecureRandom.bytes(32)))
    }

    public init(text: String) { self.text = text }

    /// What the database stores and looks tokens up by.
    public var digest: [UInt8] { SHA256.hash(Array(self.text.utf8)) }
}

/// URL-safe base64 without padding (RFC 4648 §5).
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
    }

    /// The bytes of `text`, or nil when it is not URL-safe base64.
    public static func decode(_ text: String) -> [UInt8]? {
        var base64 = text.replacing("-", with: "+").replacing("_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        return Data(base64Encoded: base64).map { Array($0) }
    }
}
