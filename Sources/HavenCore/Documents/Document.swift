import Foundation

/// A document in a library, as its viewer may see it: metadata, the version they are shown
/// (the newest approved one, or for its uploader and moderators the newest of all) and how many
/// versions they may list.
public struct Document: Sendable, Equatable, Codable {
    public var id: UUID
    public var space: String
    public var spaceId: UUID?
    public var titles: [String: String]
    public var descriptions: [String: String]
    public var language: String
    public var thematicAreas: [String]
    public var organisationId: UUID?
    public var licence: String
    public var tags: [String]
    /// Left out in a pseudonymous category's space (as the versions' `uploadedBy`).
    public var uploaderId: UUID?
    /// In a pseudonymous category's space, the uploader's pseudonym on this document.
    public var uploaderPseudonym: String?
    /// In a pseudonymous category's space, whether the viewer uploaded it (nil elsewhere).
    public var mine: Bool?
    public var createdAt: Date
    /// The newest approved version (nil: none yet).
    public var publishedVersion: Int?
    /// The version shown.
    public var latest: DocumentVersion?
    /// Deleted and awaiting purge (only moderators see such documents).
    public var deleted: Bool
}
