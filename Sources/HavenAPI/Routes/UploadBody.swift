import HavenCore
import NIOCore

/// A request body as an upload reads it: a body that breaks off (the client went away, or sent
/// less than it announced) is the client's incomplete upload, not a server error.
struct UploadBody<Base: AsyncSequence>: AsyncSequence where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let base: Base

    func makeAsyncIterator() -> Iterator { Iterator(base: self.base.makeAsyncIterator()) }

    struct Iterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator

        mutating func next() async throws -> ByteBuffer? {
            do {
                return try await self.base.next()
            } catch {
                throw DocumentError.incompleteUpload("the body ended before the file did (\(error))")
            }
        }
    }
}
