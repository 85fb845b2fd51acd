import NIOCore

/// The bound parameters of a query: their types and binary values, in one buffer.
public struct PostgresBindings: Sendable, Hashable {
    /// Each parameter's PostgreSQL type, in order ($1, $2, …).
    public private(set) var types: [PostgresDataType] = []
    /// Each parameter's byte range in `bytes`, or nil for NULL.
    private(set) var ranges: [Range<Int>?] = []
    private(set) var bytes = ByteBuffer()

    public init() {}

    public var count: Int { self.types.count }

    /// Appends a parameter; `nil` optionals bind as NULL.
    public mutating func append<Value: PostgresEncodable>(_ value: Value) {
        self.types.append(Value.psqlType)
        if value.isNull {
            self.ranges.append(nil)
        } else {
            let start = self.bytes.writerIndex
            value.encode(into: &self.bytes)
            self.ranges.append(start..<self.bytes.writerIndex)
        }
    }

    /// Calls `body` with libpq's parallel arrays of value pointers, lengths and formats (all binary).
    func withUnsafeParameters<Result>(
        _ body: (
            _ values: [UnsafePointer<CChar>?], _ lengths: [Int32], _ formats: [Int32]
        ) throws -> Result
    ) rethrows -> Result {
        try self.bytes.withUnsafeReadableBytes { raw in
            // An empty value still needs a non-NULL pointer, or libpq reads it as NULL.
            let empty: StaticString = ""
            let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self)
            let values: [UnsafePointer<CChar>?] = self.ranges.map { range in
                guard let range else { return nil }
                guard let base, !range.isEmpty else {
                    return UnsafeRawPointer(empty.utf8Start).assumingMemoryBound(to: CChar.self)
                }
                return UnsafePointer(base + range.lowerBound)
            }
            let lengths = self.ranges.map { Int32($0?.count ?? 0) }
            let formats = [Int32](repeating: 1, count: self.ranges.count)
            return try body(values, lengths, formats)
        }
    }
}
