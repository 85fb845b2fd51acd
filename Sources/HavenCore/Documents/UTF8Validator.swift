/// Checks, piece by piece, that a byte stream is well-formed UTF-8 plain text.
///
/// A sequence split over two pieces is carried over; one cut off at the end is invalid.
/// Plain text here also means no NUL and no C0 control character except tab, LF, CR and form feed.
struct UTF8Validator: Sendable {
    /// False once a byte broke UTF-8 (overlong, surrogate, above U+10FFFF, stray continuation byte).
    private(set) var isWellFormed = true
    /// True once a NUL or another disallowed C0 control character was seen.
    private(set) var hasControlCharacters = false
    /// Continuation bytes still owed by the sequence in progress.
    private var pending = 0
    /// The range the next continuation byte must fall in (narrower after E0, ED, F0, F4).
    private var lower: UInt8 = 0x80
    private var upper: UInt8 = 0xBF

    /// True when everything so far is plain text and no sequence is left unfinished.
    var isPlainText: Bool { isWellFormed && !hasControlCharacters && pending == 0 }

    /// Feeds the next piece; stops looking once the stream can no longer be text.
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard isWellFormed, !hasControlCharacters else { return }
        for byte in bytes {
            if pending > 0 {
                guard byte >= lower, byte <= upper else {
                    isWellFormed = false
                    return
                }
                lower = 0x80
                upper = 0xBF
                pending -= 1
                continue
            }
            switch byte {
            case 0x20...0x7F, 0x09, 0x0A, 0x0C, 0x0D:
                continue
            case 0x00...0x1F:
                hasControlCharacters = true
                return
            case 0xC2...0xDF:
                pending = 1
            case 0xE0:
                pending = 2
                lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF:
                pending = 2
            case 0xED:
                pending = 2
                upper = 0x9F  // U+D800...U+DFFF are surrogates, not characters.
            case 0xF0:
                pending = 3
                lower = 0x90
            case 0xF1...0xF3:
                pending = 3
            case 0xF4:
                pending = 3
                upper = 0x8F  // Nothing above U+10FFFF.
            default:  // 0x80...0xC1 (continuation or overlong lead), 0xF5...0xFF
                isWellFormed = false
                return
            }
        }
    }
}
