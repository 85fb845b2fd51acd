import Foundation
import OpenSSLTLS

/// Time-based one-time passwords (RFC 6238): HMAC-SHA-1, 6 digits, 30-second steps.
public enum TOTP {
    public static let stepSeconds = 30
    public static let digits = 6

    /// The step number for a moment.
    public static func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(stepSeconds)).rounded(.down))
    }

    /// The code for `step`.
    public static func code(secret: [UInt8], step: Int64) -> String {
        var counter = step.bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = HMAC.authenticationCode(for: message, key: secret, digest: .sha1)
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let value = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let code = value % 1_000_000
        let text = String(code)
        return String(repeating: "0", count: digits - text.count) + text
    }

    /// The step `code` belongs to, looking one step either side of `date`; nil if it matches none.
    /// Compared in constant time.
    public static func matchingStep(code: String, secret: [UInt8], at date: Date) -> Int64? {
        let current = step(at: date)
        let given = Array(code.filter { !$0.isWhitespace }.utf8)
        var found: Int64?
        for candidate in [current - 1, current, current + 1] {
            if ConstantTime.equals(given, Array(self.code(secret: secret, step: candidate).utf8)) { found = candidate }
        }
        return found
    }

    /// The `otpauth://` URI authenticator apps enrol from.
    public static func provisioningURI(secret: [UInt8], account: String, issuer: String) -> String {
        var components = URLComponents()
        components.scheme = "otpauth"
        components.host = "totp"
        components.path = "/\(issuer):\(account)"
        components.queryItems = [
            URLQueryItem(name: "secret", value: Base32.encode(secret)),
            URLQueryItem(name: "issuer", value: issuer),
            URLQueryItem(name: "algorithm", value: "SHA1"),
            URLQueryItem(name: "digits", value: String(digits)),
            URLQueryItem(name: "period", value: String(stepSeconds)),
        ]
        return components.string ?? ""
    }
}
