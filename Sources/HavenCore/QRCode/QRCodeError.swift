/// Why a QR code could not be made.
public enum QRCodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The data needs more than a version 40 symbol holds at the requested error correction
    /// (2,331 bytes at level M).
    case dataTooLong(bytes: Int, capacity: Int)

    public var description: String {
        switch self {
        case .dataTooLong(let bytes, let capacity): "\(bytes) bytes do not fit a QR code (at most \(capacity) at this error correction)"
        }
    }
}
