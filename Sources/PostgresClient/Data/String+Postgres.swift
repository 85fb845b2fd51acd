import NIOCore

extension String: PostgresArrayElement {
    public static var psqlType: PostgresDataType { .text }
    public static var psqlArrayType: PostgresDataType { .textArray }
    public func encode(into buffer: inout ByteBuffer) { buffer.writeString(self) }
    public init(from bytes: inout PostgresBytes, type: PostgresDataType) throws(PostgresDecodingFailure) {
        switch type {
        case .text, .varchar, .bpchar, .name, .unknown, .json:
            break
        case .jsonb:
            guard try bytes.readInteger(as: UInt8.self) == 1 else { throw .malformed("unknown jsonb version") }
        default:
            throw .typeMismatch
        }
        guard let string = String(validating: try bytes.readBytes(), as: UTF8.self) else {
            throw .malformed("invalid UTF-8")
        }
        self = string
    }
}
