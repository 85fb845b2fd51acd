/// Why a multipart body was refused; each case carries what a caller needs to report it.
/// A parser that threw stays failed and throws the same error again.
enum MultipartError: Error, Sendable, Equatable {
    /// The Content-Type is not `multipart/form-data` with a usable boundary parameter (1–70 RFC 2046 characters).
    case missingBoundary
    /// The body does not follow RFC 7578 / RFC 2046; the text says what was wrong.
    case malformed(String)
    /// A part's header lines came to more than `limit` bytes.
    case headersTooLarge(limit: Int)
    /// The body has more than `limit` parts.
    case tooManyParts(limit: Int)
    /// The body ended before the closing delimiter.
    case truncated
}
