import Foundation

/// One uploaded version of a document: its file as the bytes say it is, and its vetting state.
public struct DocumentVersion: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable {
        case pending, approved, rejected
    }

    public var version: Int
    public var state: State
    public var filename: String
    public var type: DocumentType
    public var mediaType: String
    public var size: Int64
    /// SHA-256 of the file, hex: the download's ETag.
    public var sha256: String
    public var uploadedBy: UUID?
    public var createdAt: Date
    public var decidedAt: Date?
    /// Why a moderator rejected it; shown to the uploader and moderators only.
    public var reason: String?
    /// In a pseudonymous category's space, the uploader's pseudonym on the document (and
    /// `uploadedBy` is left out).
    public var uploadedByPseudonym: String?
}
