import Foundation

/// One version of a post: its source, who wrote it and when, and the lines that changed from the
/// version before (`+ ` added, `- ` removed, `  ` kept).
public struct PostRevision: Sendable, Codable, Equatable {
    public var version: Int
    public var source: String
    public var writtenBy: UUID?
    public var writtenByName: String?
    public var writtenAt: Date
    public var diff: [String]
}
