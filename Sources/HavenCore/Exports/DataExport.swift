import Foundation

/// A member's export of their data, as the member sees it: where it stands and until when it
/// can be downloaded.
public struct DataExport: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        /// Asked for; a background job will prepare it.
        case queued
        /// Being written: `done` of `total` parts so far.
        case preparing
        /// Ready to download, once, until `expiresAt`.
        case ready
        /// Downloaded: the archive was shredded.
        case downloaded
        /// Not downloaded in time: the archive was shredded.
        case expired
        /// Could not be prepared; ask again.
        case failed
    }

    public let id: UUID
    public let state: State
    public let requestedAt: Date
    public let readyAt: Date?
    public let expiresAt: Date?
    public let downloadedAt: Date?
    /// Parts (files of the archive) written so far, and in all.
    public let done: Int
    public let total: Int
    /// The archive's size in bytes, once ready.
    public let size: Int64?

    /// As it stands at `now`: a ready export past its time is expired, even before the job that
    /// shreds it has run.
    func asOf(_ now: Date) -> DataExport {
        guard self.state == .ready, let expires = self.expiresAt, expires <= now else { return self }
        return DataExport(
            id: self.id, state: .expired, requestedAt: self.requestedAt, readyAt: self.readyAt, expiresAt: self.expiresAt,
            downloadedAt: self.downloadedAt, done: self.done, total: self.total, size: self.size
        )
    }

    /// How far along it is, 0–100.
    public var percent: Int {
        switch self.state {
        case .queued, .failed: 0
        case .preparing: self.total > 0 ? min(99, self.done * 100 / self.total) : 0
        case .ready, .downloaded, .expired: 100
        }
    }
}
