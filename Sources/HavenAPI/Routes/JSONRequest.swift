import Foundation
import Hummingbird

/// A JSON request body with a fixed set of fields: a field the client may not set is refused,
/// never silently ignored.
protocol JSONRequest: Decodable {
    /// The JSON keys the body may have.
    static var fields: Set<String> { get }
}

extension Request {
    /// Decodes a JSON body strictly: `application/json` only (415 otherwise), at most the context's
    /// upload size (413), valid JSON (400), an object with known fields only (400), each of the
    /// right type (422).
    func decodeJSON<Body: JSONRequest>(_: Body.Type, context: HavenRequestContext) async throws -> Body {
        let mediaType = self.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            throw Problem(.unsupportedMediaType, detail: "Send the body as application/json.")
        }
        let buffer = try await self.body.collect(upTo: context.maxUploadSize)
        return try Self.decodeJSON(Body.self, from: Data(buffer.readableBytesView))
    }

    /// Decodes JSON bytes strictly, as `decodeJSON(_:context:)` does a body.
    static func decodeJSON<Body: JSONRequest>(_: Body.Type, from data: Data) throws -> Body {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw Problem(.malformedBody, detail: "Expected a JSON object.")
        }
        guard !Self.containsNUL(object) else {
            // PostgreSQL text cannot hold U+0000, and no legitimate field needs it.
            throw Problem(.invalidInput, detail: "Text fields cannot contain NUL characters.")
        }
        let nulls = object.filter { $0.value is NSNull }.keys.sorted()
        guard nulls.isEmpty else {
            throw Problem(.invalidInput, detail: "Leave out a field rather than sending null: \(nulls.joined(separator: ", ")).")
        }
        let unknown = Set(object.keys).subtracting(Body.fields)
        guard unknown.isEmpty else {
            throw Problem(.unknownField, detail: "Not a field you can set: \(unknown.sorted().joined(separator: ", ")).")
        }
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(Body.self, from: data)
        } catch {
            throw Problem(.invalidInput, detail: "A field is missing or has the wrong type.")
        }
    }
}

extension Request {
    static func containsNUL(_ value: Any) -> Bool {
        switch value {
        case let text as String: text.unicodeScalars.contains("\u{0}")
        case let array as [Any]: array.contains(where: Self.containsNUL)
        case let object as [String: Any]: object.contains { Self.containsNUL($0.key) || Self.containsNUL($0.value) }
        default: false
        }
    }
}

extension JSONBody {
    /// 200 with a JSON body in snake_case.
    static func snakeCase<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok) -> Response {
        if let writable = value as? any JSONWritable {
            var output = JSONOutput()
            writable.write(to: &output)
            return Response(
                status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: output.bytes))
            )
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? encoder.encode(value) else { return Problem(.internalError).response(requestID: nil) }
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
