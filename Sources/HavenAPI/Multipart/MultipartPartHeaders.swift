/// What a part's headers say about it: the form field it belongs to and, for a file, its name and type.
/// Other headers are ignored, as RFC 7578 gives them no meaning in form data.
struct MultipartPartHeaders: Sendable, Equatable {
    /// The form field name (the `name` parameter of `Content-Disposition: form-data`).
    var name: String
    /// The file name the client gave (`filename*` when present, else `filename`), nil for a plain field.
    var filename: String?
    /// The part's Content-Type header value as sent, nil when absent or empty.
    var contentType: String?
}
