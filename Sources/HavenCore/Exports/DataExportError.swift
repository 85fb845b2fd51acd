/// Why a data export request or download was refused.
public enum DataExportError: Error, Sendable, Equatable {
    /// The member asked for an export too recently, or one is still being prepared.
    case rateLimited(retryAfter: Int)
    /// The export is not ready yet.
    case notReady
    /// The export was downloaded already, or expired: it no longer exists.
    case gone
}
