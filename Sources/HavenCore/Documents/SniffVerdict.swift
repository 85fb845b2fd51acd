/// What the sniffer decided about a file: accepted as one of the Haven types, or refused.
public enum SniffVerdict: Sendable, Equatable {
    /// The bytes are a file of this type.
    case accepted(DocumentType)
    /// `detected` names what the bytes are, for the error message shown to the uploader, e.g. "ELF executable", "HTML document", "SVG image", "macro-enabled Word document (DOCM)", "ZIP archive", "ZIP bomb: …", "unknown binary data".
    case refused(detected: String)
}
