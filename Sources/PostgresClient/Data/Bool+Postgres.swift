import NIOCore

extension Bool: PostgresArrayElement {
    public static var psqlType: PostgresDataType { .bool }
    public static var psqlArrayType: PostgresDataType { .boolArray }
    public func encode(into buffer: inout ByteBuffer) { buffer.writeInteger(UInt8(self ? 1 : 0)) }
    public init(from bytes: inout PostgresBytes, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type == .bool else { throw .typeMismatch }
        switch try bytes.readInteger(as: UInt8.self) {
        case 0: self = false
        case 1: self = true
        case let other: throw .malformed("bool byte \(other)")
        }
    }
}
