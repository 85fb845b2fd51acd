import Foundation

/// A document version waiting for a moderator, as the vetting queue lists it.
public struct DocumentSubmission: Sendable, Equatable, Codable {
    public var documentId: UUID
    public var space: String
    public var spaceId: UUID?
    public var titles: [String: String]
    public var version: DocumentVersion
}
