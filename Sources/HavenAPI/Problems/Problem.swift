import Foundation
import Hummingbird

/// An RFC 9457 problem detail, the body of every error response (`application/problem+json`).
/// `type` is stable and machine-readable; `title` is the short, fixed human summary of the
/// type; `detail` explains this occurrence without revealing internals.
public struct Problem: Error, Sendable, Equatable, Codable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    /// The request id, so a user's report can be matched to the logs.
    public var instance: String?
    /// Seconds before a retry makes sense (sent as `Retry-After`, not in the body).
    public var retryAfter: Int?

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, instance
    }

    public init(_ kind: ProblemKind, detail: String? = nil, retryAfter: Int? = nil) {
        self.type = kind.type
        self.title = kind.title
        self.status = Int(kind.status.code)
        self.detail = detail
        self.retryAfter = retryAfter
    }

    /// Encodes the problem as an HTTP response.
    public func response(requestID: String?) -> Response {
        var problem = self
        problem.instance = requestID.map { "urn:haven:request:\($0)" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of strings and an integer cannot fail.
        let body = (try? encoder.encode(problem)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if let retryAfter = self.retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(
            status: HTTPResponse.Status(code: self.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}

/// An error that knows which problem it is reported as.
public protocol ProblemConvertible: Error {
    var problem: Problem { get }
}
