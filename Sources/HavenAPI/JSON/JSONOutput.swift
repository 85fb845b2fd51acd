import Foundation

/// JSON written straight into bytes, for responses on hot paths (a topic page is 50 posts) where
/// `JSONEncoder`'s generic machinery costs more than the rest of the request. The output is the
/// same as `JSONBody.snakeCase` gives (sorted keys, snake_case, ISO 8601 dates in whole seconds,
/// upper-case UUIDs, nil left out, slashes unescaped); writers list their keys in sorted order,
/// and a test holds the two byte for byte.
struct JSONOutput {
    private(set) var bytes: [UInt8] = []
    /// No separator before the next value: it opens a container or follows a key.
    private var suppressComma = true

    init(capacity: Int = 4096) { self.bytes.reserveCapacity(capacity) }

    mutating func object(_ body: (inout JSONOutput) -> Void) {
        self.separate()
        self.bytes.append(UInt8(ascii: "{"))
        self.suppressComma = true
        body(&self)
        self.bytes.append(UInt8(ascii: "}"))
        self.suppressComma = false
    }

    mutating func array<Items: Sequence>(_ items: Items, _ write: (inout JSONOutput, Items.Element) -> Void) {
        self.separate()
        self.bytes.append(UInt8(ascii: "["))
        self.suppressComma = true
        for item in items { write(&self, item) }
        self.bytes.append(UInt8(ascii: "]"))
        self.suppressComma = false
    }

    /// A key of the current object (a literal in snake_case; keys need no escaping).
    mutating func key(_ name: StaticString) {
        self.separate()
        self.bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { self.bytes.append(contentsOf: $0) }
        self.bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        self.suppressComma = true
    }

    /// A key that is not a literal (a dictionary's), escaped like any string.
    mutating func key(text name: String) {
        self.string(name)
        self.bytes.append(UInt8(ascii: ":"))
        self.suppressComma = true
    }

    mutating func string(_ value: String) {
        self.separate()
        self.bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x09: self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x0A: self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0C: self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0D: self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0..<0x20:
                self.bytes.append(contentsOf: Array("\\u00".utf8))
                self.bytes.append(Self.hexLower[Int(byte >> 4)])
                self.bytes.append(Self.hexLower[Int(byte & 0xF)])
            default: self.bytes.append(byte)
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }

    mutating func int(_ value: Int) {
        self.separate()
        self.bytes.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ value: Bool) {
        self.separate()
        self.bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Upper-case, hyphenated, as `UUID.uuidString`.
    mutating func uuid(_ value: UUID) {
        self.separate()
        self.bytes.append(UInt8(ascii: "\""))
        withUnsafeBytes(of: value.uuid) { raw in
            for (index, byte) in raw.enumerated() {
                if [4, 6, 8, 10].contains(index) { self.bytes.append(UInt8(ascii: "-")) }
                self.bytes.append(Self.hexUpper[Int(byte >> 4)])
                self.bytes.append(Self.hexUpper[Int(byte & 0xF)])
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` in UTC, fractions of a second dropped (as `.iso8601` encodes).
    mutating func date(_ value: Date) {
        self.separate()
        var seconds = time_t(value.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ number: Int32, _ count: Int) {
            var text = Array(repeating: UInt8(ascii: "0"), count: count)
            var rest = number
            for index in stride(from: count - 1, through: 0, by: -1) {
                text[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            self.bytes.append(contentsOf: text)
        }
        self.bytes.append(UInt8(ascii: "\""))
        digits(parts.tm_year + 1900, 4)
        self.bytes.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2)
        self.bytes.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2)
        self.bytes.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2)
        self.bytes.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2)
        self.bytes.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2)
        self.bytes.append(contentsOf: [UInt8(ascii: "Z"), UInt8(ascii: "\"")])
    }

    // Optional fields are left out when nil, as JSONEncoder does.

    mutating func field(_ name: StaticString, _ value: String?) {
        if let value { self.key(name); self.string(value) }
    }

    mutating func field(_ name: StaticString, _ value: UUID?) {
        if let value { self.key(name); self.uuid(value) }
    }

    mutating func field(_ name: StaticString, _ value: Date?) {
        if let value { self.key(name); self.date(value) }
    }

    mutating func field(_ name: StaticString, _ value: Int) {
        self.key(name)
        self.int(value)
    }

    mutating func field(_ name: StaticString, _ value: Bool?) {
        if let value { self.key(name); self.bool(value) }
    }

    mutating func field(_ name: StaticString, _ value: Bool) {
        self.key(name)
        self.bool(value)
    }

    private mutating func separate() {
        if self.suppressComma {
            self.suppressComma = false
        } else {
            self.bytes.append(UInt8(ascii: ","))
        }
    }

    private static let hexLower = Array("0123456789abcdef".utf8)
    private static let hexUpper = Array("0123456789ABCDEF".utf8)
}

/// A value that writes its own JSON (see `JSONOutput`).
protocol JSONWritable {
    func write(to output: inout JSONOutput)
}
