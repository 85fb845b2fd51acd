import Foundation

/// One byte range of a `Range: bytes=…` request (RFC 9110 §14.1.2), before it meets a file.
public enum ByteRange: Sendable, Equatable {
    /// `first-last`, or `first-` when `last` is nil.
    case from(Int64, through: Int64?)
    /// `-count`: the last `count` bytes.
    case suffix(Int64)

    /// The single range in a Range header, or nil when the header is not one range of bytes in a
    /// form this server serves (then the whole file is sent, as RFC 9110 allows).
    public init?(header: String) {
        let value = header.trimmingCharacters(in: .whitespaces)
        guard value.lowercased().hasPrefix("bytes="), !value.contains(",") else { return nil }
        let spec = value.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) && $0.count <= 18 }) else { return nil }
        switch (Int64(parts[0]), Int64(parts[1])) {
        case (let first?, nil) where parts[1].isEmpty: self = .from(first, through: nil)
        case (let first?, let last?) where last >= first: self = .from(first, through: last)
        case (nil, let count?) where parts[0].isEmpty: self = .suffix(count)
        default: return nil
        }
    }

    /// The bytes this range selects in a file of `size` bytes, or nil when none (416).
    public func resolved(size: Int64) -> ClosedRange<Int64>? {
        switch self {
        case .from(let first, let last):
            guard first < size else { return nil }
            return first...min(last ?? (size - 1), size - 1)
        case .suffix(let count):
            guard count > 0, size > 0 else { return nil }
            return max(0, size - count)...(size - 1)
        }
    }
}
