import Foundation
import NIOCore

extension UUID: PostgresArrayElement {
    public static var psqlType: PostgresDataType { .uuid }
    public static var psqlArrayType: PostgresDataType { .uuidArray }
    public func encode(into buffer: inout ByteBuffer) {
        withUnsafeBytes(of: self.uuid) { _ = buffer.writeBytes($0) }
    }
    public init(from bytes: inout PostgresBytes, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type == .uuid else { throw .typeMismatch }
        let raw = try bytes.readBytes(16)
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: raw) }
        self = UUID(uuid: value)
    }
}
