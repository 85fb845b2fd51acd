import NIOCore

/// One event of a multipart body, in order: `partStart`, then any number of `body`, then `partEnd`.
/// Events let a caller stream each part to its destination without the parser holding a whole part.
enum MultipartEvent: Sendable, Equatable {
    /// A part begins: its Content-Disposition name and filename (if any) and Content-Type (if any).
    case partStart(MultipartPartHeaders)
    /// Bytes of the current part's body; never empty, and usually a slice of the buffer that was fed.
    case body(ByteBuffer)
    /// The current part ended: its whole body has been delivered.
    case partEnd
}
