import Foundation

/// Lines of CSV (RFC 4180) that are safe to open in a spreadsheet: a cell that begins like a
/// formula (`=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`, so that text a
/// member wrote cannot run as a formula on a staff member's computer (OWASP "CSV injection").
public enum CSV {
    /// Opens the file so that spreadsheet programs read it as UTF-8 (Arabic, Chinese, Russian).
    public static let byteOrderMark = "\u{FEFF}"

    /// One record, ending in CRLF.
    public static func line(_ cells: [String]) -> String {
        cells.map(Self.cell).joined(separator: ",") + "\r\n"
    }

    static func cell(_ text: String) -> String {
        var text = text
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
