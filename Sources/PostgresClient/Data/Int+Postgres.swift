import NIOCore

/// Reads int2, int4 or int8 as a fixed-width integer, refusing values that do not fit.
@inlinable
func decodePostgresInteger<T: FixedWidthInteger>(_ bytes: inout PostgresBytes, type: PostgresDataType) throws(PostgresDecodingFailure) -> T {
    let value: Int64
    switch type {
    case .int2: value = Int64(try bytes.readInteger(as: Int16.self))
    case .int4: value = Int64(try bytes.readInteger(as: Int32.self))
    case .int8: value = try bytes.readInteger(as: Int64.self)
    default: throw .typeMismatch
    }
    guard let result = T(exactly: value) else { throw .malformed("\(value) does not fit in \(T.self)") }
    return result
}

extension Int: PostgresArrayElement {
    public static var psqlType: PostgresDataType { .int8 }
    public static var psqlArrayType: PostgresDataType { .int8Array }
    public func encode(into buffer: inout ByteBuffer) { buffer.writeInteger(Int64(self)) }
    public init(from bytes: inout PostgresBytes, type: PostgresDataType) throws(PostgresDecodingFailure) {
        self = try decodePostgresInteger(&bytes, type: type)
    }
}

extension Int64: PostgresArrayElement {
    public static var psqlType: PostgresDataType { .int8 }
    public static var psqlArrayType: PostgresDataType { .int8Array }
    public func encode(into buffer: inout ByteBuffer) { buffer.writeInteger(self) }
    public init(from bytes: inout PostgresBytes, type: PostgresDataType) throws(PostgresDecodingFailure) {
        self = try decodePostgresInteger(&bytes, type: type)
    }
}

extension Int32: PostgresArrayElement {
    public static var psqlType: PostgresDataType { .int4 }
    public static var psqlArrayType: PostgresDataType { .int4Array }
    public func encode(into buffer: inout ByteBuffer) { buffer.writeInteger(self) }
    public init(from bytes: inout PostgresBytes, type: PostgresDataType) throws(PostgresDecodingFailure) {
        self = try decodePostgresInteger(&bytes, type: type)
    }
}

extension Int16: PostgresArrayElement {
    public static var psqlType: PostgresDataType { .int2 }
    public static var psqlArrayType: PostgresDataType { .int2Array }
    public func encode(into buffer: inout ByteBuffer) { buffer.writeInteger(self) }
    public init(from bytes: inout PostgresBytes, type: PostgresDataType) throws(PostgresDecodingFailure) {
        self = try decodePostgresInteger(&bytes, type: type)
    }
}
