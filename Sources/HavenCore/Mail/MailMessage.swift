import Foundation

/// One email, as the outbox holds it: plain text, optionally an HTML alternative, in the
/// recipient's language.
public struct MailMessage: Sendable, Equatable {
    /// The outbox row's id, which also makes the Message-ID.
    public var id: UUID
    public var from: String
    public var to: String
    public var subject: String
    public var text: String
    public var html: String?
    /// BCP 47 tag of the language the message is written in (Content-Language).
    public var language: String
    /// Further headers, such as List-Unsubscribe for digests; sorted by name when rendered.
    public var headers: [String: String]
    public var date: Date

    public init(
        id: UUID = UUID(), from: String, to: String, subject: String, text: String, html: String? = nil, language: String = "en",
        headers: [String: String] = [:], date: Date = Date()
    ) {
        self.id = id
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.language = language
        self.headers = headers
        self.date = date
    }

    /// The message in Internet Message Format with MIME (RFC 5322, 2045–2047), lines ending in
    /// CRLF. With `eightBit` (the server offers 8BITMIME) the UTF-8 bodies go as they are, else
    /// in base64; headers are always 7-bit (non-ASCII as RFC 2047 encoded words).
    public func rendered(eightBit: Bool) -> [UInt8] {
        let domain = self.from.split(separator: "@").last.map(String.init) ?? "localhost"
        var head: [(String, String)] = [
            ("Date", Self.internetDate(self.date)),
            ("From", self.from),
            ("To", self.to),
            ("Subject", Self.encodedWord(self.subject)),
            ("Message-ID", "<\(self.id.uuidString.lowercased())@\(domain)>"),
            ("MIME-Version", "1.0"),
            ("Content-Language", self.language),
            ("Auto-Submitted", "auto-generated"),
        ]
        for name in self.headers.keys.sorted() {
            // A value holding a line break could add headers of its own: such a header is left out.
            guard let value = self.headers[name], !value.contains(where: \.isNewline), !name.contains(where: \.isNewline) else { continue }
            head.append((name, Self.encodedWord(value)))
        }
        var lines = head.map { "\($0.0): \($0.1)" }
        if let html {
            let boundary = "haven-\(self.id.uuidString.lowercased())"
            lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("--\(boundary)")
            lines += Self.part(self.text, type: "text/plain", eightBit: eightBit)
            lines.append("--\(boundary)")
            lines += Self.part(html, type: "text/html", eightBit: eightBit)
            lines.append("--\(boundary)--")
        } else {
            lines += Self.part(self.text, type: "text/plain", eightBit: eightBit)
        }
        return Array(lines.joined(separator: "\r\n").utf8) + [13, 10]
    }

    /// A body part's headers, a blank line and its content.
    static func part(_ content: String, type: String, eightBit: Bool) -> [String] {
        let bodyLines = content.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        // SMTP lines may not exceed 998 octets: longer ones go in base64 even over 8BITMIME.
        let fitsAsIs = eightBit && bodyLines.allSatisfy { $0.utf8.count <= 998 }
        let encoding = fitsAsIs ? "8bit" : (content.utf8.allSatisfy { $0 < 128 } && bodyLines.allSatisfy { $0.utf8.count <= 998 } ? "7bit" : "base64")
        var lines = ["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: \(encoding)", ""]
        if encoding == "base64" {
            let encoded = Data(bodyLines.joined(separator: "\r\n").utf8).base64EncodedString()
            var index = encoded.startIndex
            while index < encoded.endIndex {
                let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
                lines.append(String(encoded[index..<end]))
                index = end
            }
        } else {
            lines += bodyLines
        }
        return lines
    }

    /// `text` as it is when it is printable ASCII, else as one or more RFC 2047 "B" encoded words.
    static func encodedWord(_ text: String) -> String {
        if text.utf8.allSatisfy({ (32..<127).contains($0) }) { return text }
        // Each encoded word stays within 75 characters: at most 45 bytes of UTF-8 (60 in base64),
        // split between characters.
        var words: [[UInt8]] = [[]]
        for character in text where !character.isNewline {
            let bytes = Array(String(character).utf8)
            if let last = words.last, !last.isEmpty, last.count + bytes.count > 45 { words.append([]) }
            words[words.count - 1] += bytes
        }
        return words.filter { !$0.isEmpty }.map { "=?UTF-8?B?\(Data($0).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// `date` as RFC 5322 writes it, in UTC: `Thu, 26 Nov 2026 23:53:19 +0000`.
    static func internetDate(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}
