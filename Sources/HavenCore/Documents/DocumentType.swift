/// The file types Haven accepts, decided from the bytes.
public enum DocumentType: String, Sendable, CaseIterable, Codable {
    case pdf, docx, xlsx, pptx, odt, ods, odp, rtf, text, csv, png, jpeg, webp

    /// The media type to store and serve the file with; text types name UTF-8 because the sniffer checked it.
    public var mediaType: String {
        switch self {
        case .pdf: "application/pdf"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        case .odt: "application/vnd.oasis.opendocument.text"
        case .ods: "application/vnd.oasis.opendocument.spreadsheet"
        case .odp: "application/vnd.oasis.opendocument.presentation"
        case .rtf: "application/rtf"
        case .text: "text/plain; charset=utf-8"
        case .csv: "text/csv; charset=utf-8"
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .webp: "image/webp"
        }
    }

    /// The usual file name extension (without the dot), for naming downloads by their real type.
    public var fileExtension: String {
        switch self {
        case .text: "txt"
        case .jpeg: "jpg"
        default: rawValue
        }
    }
}
