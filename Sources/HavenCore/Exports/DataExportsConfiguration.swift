import Foundation

/// How members' data exports are paced and kept.
public struct DataExportsConfiguration: Sendable {
    /// How long a prepared export waits to be downloaded before it is shredded.
    public var retention: TimeInterval = 7 * 86_400
    /// The shortest time between two requests of one member (an export reads everything they
    /// have: this keeps one member from keeping the server busy).
    public var requestInterval: TimeInterval = 86_400
    /// Plaintext bytes per encrypted chunk of the archive (as for documents: sealed, a chunk and
    /// its database message fit buffers of 512 KiB).
    public var chunkSize = 512 * 1024 - 1024
    /// A preparation not finished after this long is taken to have died with its instance, and
    /// started again by another.
    public var preparationTimeout: TimeInterval = 3_600
    /// The time now: the service asks it whenever a decision depends on the time (tests move it).
    public var clock: @Sendable () -> Date = { Date() }

    public init() {}

    /// With `retention` days instead of the default.
    public init(retentionDays: Int) {
        self.retention = TimeInterval(retentionDays) * 86_400
    }
}
