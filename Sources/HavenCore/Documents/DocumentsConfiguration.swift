import Foundation

/// Limits and policies of the document libraries.
public struct DocumentsConfiguration: Sendable {
    /// Largest file accepted, enforced while the upload streams.
    public var maximumFileSize: Int64 = 100 * 1024 * 1024
    /// Bytes a member may store across all their uploaded versions.
    public var quotaPerMember: Int64 = 2 * 1024 * 1024 * 1024
    /// Plaintext bytes per encrypted chunk (256 KiB–1 MiB). A kibibyte under 512 KiB, so that a
    /// sealed chunk (plus its nonce and tag) and the database message around it fit buffers of
    /// 512 KiB: buffers (ByteBuffer's, libpq's) grow in powers of two, so 512 KiB exactly would
    /// take 1 MiB each.
    public var chunkSize = 512 * 1024 - 1024
    /// Encrypted bytes fetched ahead of the one being sent, shared by all downloads in progress.
    public var readAheadBytes = 4 * 1024 * 1024
    /// Spaces whose uploads from members wait for a moderator (staff uploads never wait).
    public var vettedSpaces: Set<String> = ["library", "category", "group", "organisation"]
    /// Days a deleted document (or a rejected version) is kept before its chunks and key are removed.
    public var retentionDays = 30
    /// Limits that refuse decompression bombs in office files.
    public var zipLimits = ZipLimits()
    /// Documents per listing page.
    public var pageSize = 50
    /// The clamd that scans every upload as it streams in; nil: uploads are not scanned.
    public var virusScanner: VirusScanner?

    public init() {}
}
