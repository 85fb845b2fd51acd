import Foundation

/// Where one migration stands in a database.
public struct MigrationStatus: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case applied(at: Date)
        case pending
        /// Applied, but the file's checksum no longer matches.
        case changed(recordedChecksum: String, currentChecksum: String)
        /// Applied, but not carried by this binary.
        case unknown(appliedAt: Date)
    }

    public var version: Int
    public var name: String
    public var state: State
}
