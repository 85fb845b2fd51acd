import Foundation

/// An event as an iCalendar file (RFC 5545), for the viewer's own calendar. The place and link
/// are written only when the viewer may know them (`Event.place`/`link` are nil otherwise).
public enum EventCalendar {
    /// The `.ics` text: CRLF line ends, lines folded at 75 octets, times in UTC.
    /// - Parameters:
    ///   - language: the language to take the title and description in, when the event has it
    ///   - host: the installation's host name, which makes the UID unique across installations
    ///   - now: the DTSTAMP
    public static func ics(for event: Event, language: String? = nil, host: String = "haven", now: Date = Date()) -> String {
        func pick(_ texts: [String: String]) -> String? {
            if let language, let text = texts[language] { return text }
            return texts["en"] ?? texts.sorted { $0.key < $1.key }.first?.value
        }
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Haven//Events//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "BEGIN:VEVENT",
            "UID:\(event.id.uuidString.lowercased())@\(Self.text(host))",
            "DTSTAMP:\(Self.utc(now))",
            "DTSTART:\(Self.utc(event.startsAt))",
            "DTEND:\(Self.utc(event.endsAt))",
            "SUMMARY:\(Self.text(pick(event.titles) ?? ""))",
        ]
        if let description = pick(event.descriptions) { lines.append("DESCRIPTION:\(Self.text(description))") }
        if let place = event.place { lines.append("LOCATION:\(Self.text(place))") }
        if let link = event.link {
            // A URI, not TEXT: validated on creation to be https:// without blanks or controls.
            lines.append("URL:\(link)")
        }
        lines += ["END:VEVENT", "END:VCALENDAR"]
        return lines.map(Self.folded).joined(separator: "\r\n") + "\r\n"
    }

    /// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks; other
    /// control characters are dropped, since TEXT cannot carry them.
    static func text(_ value: String) -> String {
        var escaped = ""
        var previous: Unicode.Scalar?
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case ";": escaped += "\\;"
            case ",": escaped += "\\,"
            case "\n": if previous != "\r" { escaped += "\\n" }
            case "\r": escaped += "\\n"
            case "\t": escaped += " "
            default:
                if scalar.value >= 0x20 && scalar.value != 0x7F { escaped.unicodeScalars.append(scalar) }
            }
            previous = scalar
        }
        return escaped
    }

    /// Folds a content line (RFC 5545 §3.1): at most 75 octets a line, continuation lines start
    /// with a space, and a UTF-8 sequence is never split.
    static func folded(_ line: String) -> String {
        var result = ""
        var octets = 0
        var limit = 75
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            if octets + size > limit {
                result += "\r\n "
                octets = 0
                limit = 74
            }
            result.unicodeScalars.append(scalar)
            octets += size
        }
        return result
    }

    /// `20270301T090000Z`.
    static func utc(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return String(format: "%04d", c.year ?? 0) + two(c.month) + two(c.day) + "T" + two(c.hour) + two(c.minute) + two(c.second) + "Z"
    }
}
