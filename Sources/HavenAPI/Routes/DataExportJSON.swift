import Foundation
import HavenCore

/// A data export in API responses: where it stands (no JSON nulls: absent fields are left out).
struct DataExportJSON: Encodable {
    struct Progress: Encodable {
        let done: Int
        let total: Int
        let percent: Int
    }

    let id: UUID
    let state: String
    let requestedAt: Date
    let progress: Progress
    let readyAt: Date?
    let expiresAt: Date?
    let downloadedAt: Date?
    let size: Int64?
    /// Where to download it, while it is ready.
    let download: String?

    enum CodingKeys: String, CodingKey {
        case id, state, progress, size, download
        case requestedAt = "requested_at"
        case readyAt = "ready_at"
        case expiresAt = "expires_at"
        case downloadedAt = "downloaded_at"
    }

    init(_ export: DataExport) {
        self.id = export.id
        self.state = export.state.rawValue
        self.requestedAt = export.requestedAt
        self.progress = Progress(done: export.done, total: export.total, percent: export.percent)
        self.readyAt = export.readyAt
        self.expiresAt = export.expiresAt
        self.downloadedAt = export.downloadedAt
        self.size = export.state == .ready ? export.size : nil
        self.download = export.state == .ready ? "/me/exports/\(export.id.uuidString.lowercased())/download" : nil
    }
}
