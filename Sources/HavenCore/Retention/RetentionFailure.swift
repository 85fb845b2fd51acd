/// A retention run in which at least one purge failed: what the others removed (to count), and
/// the first failure (to log). The next run tries again.
public struct RetentionFailure: Error, CustomStringConvertible {
    public var purged: [RetentionPolicy.Kind: Int]
    public var error: any Error

    public var description: String { "retention: \(self.error)" }
}
