import Foundation

/// A download the viewer may make: which version, which bytes, and what to stream them with.
public struct DocumentDownload: Sendable {
    public let document: UUID
    public let version: DocumentVersion
    /// The bytes to send (the whole file unless a range was asked for).
    public let bytes: ClosedRange<Int64>?
    /// Whether `bytes` answers a range request (206) rather than the whole file (200).
    public let partial: Bool
    let chunkSize: Int
    let chunkCount: Int
    let dataKey: [UInt8]

    /// Bytes in the response body.
    public var length: Int64 { self.bytes.map { $0.upperBound - $0.lowerBound + 1 } ?? 0 }
    /// The strong validator: the file's SHA-256.
    public var etag: String { "\"\(self.version.sha256)\"" }
}
