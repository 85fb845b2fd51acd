import HavenCore
import Hummingbird
import NIOCore

/// Reads a multipart/form-data request body as events, pulling from the body only as they are
/// needed, so a file part streams through without being held.
struct MultipartReader {
    private var parser: MultipartParser
    private var body: UploadBody<RequestBody>.Iterator
    private var queue: [MultipartEvent] = []
    private var ended = false

    init(request: Request) throws {
        let boundary: String
        do {
            boundary = try MultipartParser.boundary(fromContentType: request.headers[.contentType] ?? "")
        } catch {
            throw Problem(.unsupportedMediaType, detail: "Send multipart/form-data with a boundary, or application/octet-stream.")
        }
        self.parser = MultipartParser(boundary: boundary)
        self.body = UploadBody(base: request.body).makeAsyncIterator()
    }

    /// The next event, or nil after the closing delimiter.
    mutating func next() async throws -> MultipartEvent? {
        while self.queue.isEmpty {
            if self.ended { return nil }
            do {
                if let buffer = try await self.body.next() {
                    self.queue = try self.parser.feed(buffer)
                } else {
                    self.queue = try self.parser.finish()
                    self.ended = true
                }
            } catch let error as MultipartError {
                throw DocumentError.incompleteUpload("the multipart body is not valid (\(error))")
            }
        }
        return self.queue.removeFirst()
    }

    /// Reads small fields up to the start of the part named `file`, each at most `limit` bytes.
    mutating func fields(beforeFile file: String, limit: Int) async throws -> (fields: [String: ByteBuffer], file: MultipartPartHeaders) {
        var fields: [String: ByteBuffer] = [:]
        var current: String?
        while let event = try await self.next() {
            switch event {
            case .partStart(let headers) where headers.name == file:
                return (fields, headers)
            case .partStart(let headers):
                guard fields[headers.name] == nil else { throw Problem(.invalidInput, detail: "The part \(headers.name) is repeated.") }
                current = headers.name
                fields[headers.name] = ByteBuffer()
            case .body(var bytes):
                guard let name = current else { continue }
                guard (fields[name]?.readableBytes ?? 0) + bytes.readableBytes <= limit else {
                    throw Problem(.payloadTooLarge, detail: "The part \(name) is larger than \(limit) bytes.")
                }
                fields[name]?.writeBuffer(&bytes)
            case .partEnd:
                current = nil
            }
        }
        throw Problem(.invalidInput, detail: "The body has no part named \(file).")
    }

    /// The current part's bytes as they arrive; the part must be the last one.
    func partBody() -> MultipartPartBody { MultipartPartBody(reader: self) }
}

/// The bytes of the part a `MultipartReader` stands in, as an asynchronous sequence.
struct MultipartPartBody: AsyncSequence {
    typealias Element = ByteBuffer
    let reader: MultipartReader

    func makeAsyncIterator() -> Iterator { Iterator(reader: self.reader) }

    struct Iterator: AsyncIteratorProtocol {
        var reader: MultipartReader
        var done = false

        mutating func next() async throws -> ByteBuffer? {
            guard !self.done else { return nil }
            while let event = try await self.reader.next() {
                switch event {
                case .body(let bytes): return bytes
                case .partEnd:
                    self.done = true
                    if case .partStart = try await self.reader.next() {
                        throw DocumentError.incompleteUpload("the file must be the last part of the form")
                    }
                    return nil
                case .partStart: throw DocumentError.incompleteUpload("a part started inside the file")
                }
            }
            throw DocumentError.incompleteUpload("the body ended inside the file")
        }
    }
}
