/// A read cursor over one value's bytes, borrowed from the query result for the duration of
/// one `PostgresDecodable.init(from:type:)` call: do not keep it.
public struct PostgresBytes {
    @usableFromInline let base: UnsafeRawBufferPointer
    @usableFromInline var offset = 0

    @usableFromInline init(_ base: UnsafeRawBufferPointer) {
        self.base = base
    }

    /// The bytes not read yet.
    public var remaining: Int { self.base.count - self.offset }

    /// Reads a big-endian integer.
    @inlinable
    public mutating func readInteger<T: FixedWidthInteger>(as: T.Type = T.self) throws(PostgresDecodingFailure) -> T {
        let size = MemoryLayout<T>.size
        guard self.remaining >= size else { throw .malformed("expected \(size) more bytes, found \(self.remaining)") }
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: self.base[self.offset..<self.offset + size])) }
        self.offset += size
        return T(bigEndian: value)
    }

    /// Reads `count` bytes, or all that remain.
    public mutating func readBytes(_ count: Int? = nil) throws(PostgresDecodingFailure) -> UnsafeRawBufferPointer {
        let count = count ?? self.remaining
        guard count >= 0, self.remaining >= count else { throw .malformed("expected \(count) more bytes, found \(self.remaining)") }
        defer { self.offset += count }
        return UnsafeRawBufferPointer(rebasing: self.base[self.offset..<self.offset + count])
    }
}
