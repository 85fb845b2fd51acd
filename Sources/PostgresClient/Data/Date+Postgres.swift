import Foundation
import NIOCore

/// `timestamptz` travels as microseconds since 2000-01-01 00:00:00 UTC;
/// ±infinity map to `Date.distantFuture` and `Date.distantPast`.
extension Date: PostgresArrayElement {
    static let postgresEpoch = Date(timeIntervalSince1970: 946_684_800)

    public static var psqlType: PostgresDataType { .timestamptz }
    public static var psqlArrayType: PostgresDataType { .timestamptzArray }

    public func encode(into buffer: inout ByteBuffer) {
        let microseconds: Int64
        switch self {
        case .distantFuture: microseconds = .max
        case .distantPast: microseconds = .min
        default: microseconds = Int64((self.timeIntervalSince(Self.postgresEpoch) * 1_000_000).rounded())
        }
        buffer.writeInteger(microseconds)
    }

    public init(from bytes: inout PostgresBytes, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type == .timestamptz || type == .timestamp else { throw .typeMismatch }
        let microseconds = try bytes.readInteger(as: Int64.self)
        switch microseconds {
        case .max: self = .distantFuture
        case .min: self = .distantPast
        default: self = Self.postgresEpoch.addingTimeInterval(Double(microseconds) / 1_000_000)
        }
    }
}
