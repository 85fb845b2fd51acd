import NIOCore

extension Double: PostgresArrayElement {
    public static var psqlType: PostgresDataType { .float8 }
    public static var psqlArrayType: PostgresDataType { .float8Array }
    public func encode(into buffer: inout ByteBuffer) { buffer.writeInteger(self.bitPattern) }
    public init(from bytes: inout PostgresBytes, type: PostgresDataType) throws(PostgresDecodingFailure) {
        switch type {
        case .float8: self = Double(bitPattern: try bytes.readInteger(as: UInt64.self))
        case .float4: self = Double(Float(bitPattern: try bytes.readInteger(as: UInt32.self)))
        default: throw .typeMismatch
        }
    }
}

extension Float: PostgresArrayElement {
    public static var psqlType: PostgresDataType { .float4 }
    public static var psqlArrayType: PostgresDataType { .float4Array }
    public func encode(into buffer: inout ByteBuffer) { buffer.writeInteger(self.bitPattern) }
    public init(from bytes: inout PostgresBytes, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type == .float4 else { throw .typeMismatch }
        self = Float(bitPattern: try bytes.readInteger(as: UInt32.self))
    }
}
