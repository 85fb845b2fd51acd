/// Limits that refuse decompression bombs, read from the ZIP central directory.
/// Nothing is decompressed: the sizes checked are those the directory declares.
public struct ZipLimits: Sendable, Equatable {
    /// The most entries an archive may list.
    public var maximumEntries = 2_000
    /// The most bytes all entries together may expand to.
    public var maximumUncompressedBytes: Int64 = 512 * 1024 * 1024
    /// The highest uncompressed/compressed ratio allowed for an entry larger than 1 MiB uncompressed.
    public var maximumRatio: Int64 = 100

    /// The default limits, generous for real office documents.
    public init() {}
}
