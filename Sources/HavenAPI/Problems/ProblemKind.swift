import Hummingbird

/// The kinds of problem Haven reports, each with a stable `type` URI clients may rely on.
public struct ProblemKind: Sendable, Hashable {
    /// `urn:haven:problem:<slug>`.
    public let type: String
    public let title: String
    public let status: HTTPResponse.Status

    public init(slug: String, title: String, status: HTTPResponse.Status) {
        self.type = "urn:haven:problem:\(slug)"
        self.title = title
        self.status = status
    }

    public static let badRequest = ProblemKind(slug: "bad-request", title: "The request is malformed", status: .badRequest)
    public static let unauthenticated = ProblemKind(slug: "unauthenticated", title: "Sign-in required", status: .unauthorized)
    public static let forbidden = ProblemKind(slug: "forbidden", title: "Not allowed", status: .forbidden)
    public static let notFound = ProblemKind(slug: "not-found", title: "Not found", status: .notFound)
    public static let methodNotAllowed = ProblemKind(
        slug: "method-not-allowed", title: "Method not allowed", status: .methodNotAllowed
    )
    public static let payloadTooLarge = ProblemKind(
        slug: "payload-too-large", title: "The request body is too large", status: .contentTooLarge
    )
    public static let unsupportedMediaType = ProblemKind(
        slug: "unsupported-media-type", title: "Unsupported content type", status: .unsupportedMediaType
    )
    public static let notReady = ProblemKind(
        slug: "not-ready", title: "The service is not ready", status: .serviceUnavailable
    )
    public static let internalError = ProblemKind(
        slug: "internal-error", title: "Something went wrong on our side", status: .internalServerError
    )

    /// The kind that stands for an HTTP status without a more specific one.
    static func forStatus(_ status: HTTPResponse.Status) -> ProblemKind {
        switch status.code {
        case 400: .badRequest
        case 401: .unauthenticated
        case 403: .forbidden
        case 404: .notFound
        case 405: .methodNotAllowed
        case 413: .payloadTooLarge
        case 415: .unsupportedMediaType
        case 503: .notReady
        case 400..<500: ProblemKind(slug: "http-\(status.code)", title: status.reasonPhrase, status: status)
        default: .internalError
        }
    }
}
