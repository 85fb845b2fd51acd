import NIOCore

/// `[UInt8]` is `bytea`.
extension UInt8: PostgresArrayCodable {
    public static var psqlArrayType: PostgresDataType { .bytea }
    public static func encodeArray(_ array: [UInt8], into buffer: inout ByteBuffer) { buffer.writeBytes(array) }
    public static func decodeArray(from bytes: inout PostgresBytes, type: PostgresDataType) throws(PostgresDecodingFailure) -> [UInt8] {
        guard type == .bytea else { throw .typeMismatch }
        return Array(try bytes.readBytes())
    }
}

extension ByteBuffer: PostgresEncodable, PostgresDecodable {
    public static var psqlType: PostgresDataType { .bytea }
    public func encode(into buffer: inout ByteBuffer) { buffer.writeImmutableBuffer(self) }
    public init(from bytes: inout PostgresBytes, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type == .bytea else { throw .typeMismatch }
        self = ByteBuffer(bytes: try bytes.readBytes())
    }
}
