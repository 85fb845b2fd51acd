import Foundation

/// An export's archive, claimed for its one download: what to stream it with.
public struct DataExportDownload: Sendable {
    public let id: UUID
    /// Bytes in the archive.
    public let size: Int64
    let chunkCount: Int
    let dataKey: [UInt8]
}
