import NIOCore

/// A Swift value that can be sent to PostgreSQL as a bound parameter, in binary format.
public protocol PostgresEncodable: Sendable {
    /// The PostgreSQL type the value is sent as.
    static var psqlType: PostgresDataType { get }
    /// Appends the value's binary representation to `buffer`.
    func encode(into buffer: inout ByteBuffer)
    /// Whether the value is SQL NULL (only `Optional.none` is).
    var isNull: Bool { get }
}

extension PostgresEncodable {
    public var isNull: Bool { false }
}

/// An element type of Swift arrays that PostgreSQL can take: `UInt8` (arrays are `bytea`)
/// or a `PostgresArrayElement` (arrays are PostgreSQL arrays).
public protocol PostgresArrayCodable: Sendable {
    static var psqlArrayType: PostgresDataType { get }
    static func encodeArray(_ array: [Self], into buffer: inout ByteBuffer)
    static func decodeArray(from bytes: inout PostgresBytes, type: PostgresDataType) throws(PostgresDecodingFailure) -> [Self]
}

/// A value that can be an element of a one-dimensional PostgreSQL array.
public protocol PostgresArrayElement: PostgresEncodable, PostgresDecodable, PostgresArrayCodable {}

extension PostgresArrayElement {
    /// The binary array format: dimensions, NULL flag, element type, then each element's length and bytes.
    public static func encodeArray(_ array: [Self], into buffer: inout ByteBuffer) {
        buffer.writeInteger(Int32(array.isEmpty ? 0 : 1))
        buffer.writeInteger(Int32(array.contains(where: \.isNull) ? 1 : 0))
        buffer.writeInteger(Int32(bitPattern: Self.psqlType.oid))
        guard !array.isEmpty else { return }
        buffer.writeInteger(Int32(array.count))
        buffer.writeInteger(Int32(1))
        for element in array {
            if element.isNull {
                buffer.writeInteger(Int32(-1))
                continue
            }
            let lengthIndex = buffer.writerIndex
            buffer.writeInteger(Int32(0))
            element.encode(into: &buffer)
            buffer.setInteger(Int32(buffer.writerIndex - lengthIndex - 4), at: lengthIndex)
        }
    }

    public static func decodeArray(from bytes: inout PostgresBytes, type: PostgresDataType) throws(PostgresDecodingFailure) -> [Self] {
        guard type.isArray else { throw .typeMismatch }
        let dimensions = try bytes.readInteger(as: Int32.self)
        _ = try bytes.readInteger(as: Int32.self)  // has-NULL flag
        let elementType = PostgresDataType(oid: UInt32(bitPattern: try bytes.readInteger(as: Int32.self)))
        if dimensions == 0 { return [] }
        guard dimensions == 1 else { throw .malformed("\(dimensions)-dimensional arrays are not supported") }
        let count = Int(try bytes.readInteger(as: Int32.self))
        _ = try bytes.readInteger(as: Int32.self)  // lower bound
        guard count >= 0, count <= bytes.remaining / 4 else { throw .malformed("array length \(count)") }
        var result: [Self] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            let length = Int(try bytes.readInteger(as: Int32.self))
            if length < 0 {
                result.append(try Self.decodeNull())
            } else {
                var element = PostgresBytes(try bytes.readBytes(length))
                result.append(try Self(from: &element, type: elementType))
            }
        }
        return result
    }
}

extension Array: PostgresEncodable where Element: PostgresArrayCodable {
    public static var psqlType: PostgresDataType { Element.psqlArrayType }
    public func encode(into buffer: inout ByteBuffer) { Element.encodeArray(self, into: &buffer) }
}

extension Array: PostgresDecodable where Element: PostgresArrayCodable {
    public init(from bytes: inout PostgresBytes, type: PostgresDataType) throws(PostgresDecodingFailure) {
        self = try Element.decodeArray(from: &bytes, type: type)
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var psqlType: PostgresDataType { Wrapped.psqlType }
    /// Writes nothing for `nil`, which binds as NULL.
    public func encode(into buffer: inout ByteBuffer) { self?.encode(into: &buffer) }
    public var isNull: Bool { self == nil }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(from bytes: inout PostgresBytes, type: PostgresDataType) throws(PostgresDecodingFailure) {
        self = .some(try Wrapped(from: &bytes, type: type))
    }
    public static func decodeNull() throws(PostgresDecodingFailure) -> Self { nil }
}

extension Optional: PostgresArrayCodable where Wrapped: PostgresArrayElement {
    public static var psqlArrayType: PostgresDataType { Wrapped.psqlArrayType }
}
extension Optional: PostgresArrayElement where Wrapped: PostgresArrayElement {}
