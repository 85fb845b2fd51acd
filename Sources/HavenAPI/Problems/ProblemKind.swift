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
    public static let invalidCredentials = ProblemKind(
        slug: "invalid-credentials", title: "The credentials are not valid", status: .unauthorized
    )
    public static let secondFactorRequired = ProblemKind(
        slug: "second-factor-required", title: "A second factor is required", status: .unauthorized
    )
    public static let tooManyAttempts = ProblemKind(slug: "too-many-attempts", title: "Too many attempts", status: .tooManyRequests)
    public static let busy = ProblemKind(slug: "busy", title: "Busy, try again shortly", status: .serviceUnavailable)
    public static let passwordRejected = ProblemKind(
        slug: "password-rejected", title: "The password is not acceptable", status: .unprocessableContent
    )
    public static let tokenInvalid = ProblemKind(
        slug: "token-invalid", title: "The link or token is not valid", status: .forbidden
    )
    public static let reauthenticationRequired = ProblemKind(
        slug: "reauthentication-required", title: "Enter your password again", status: .forbidden
    )
    public static let secondFactorEnrolmentRequired = ProblemKind(
        slug: "second-factor-enrolment-required", title: "Set up two-factor authentication first", status: .forbidden
    )
    public static let conflict = ProblemKind(slug: "email-taken", title: "This email address is already in use", status: .conflict)
    public static let stateConflict = ProblemKind(
        slug: "state-conflict", title: "The current state does not allow this", status: .conflict
    )
    public static let securityNotificationRequired = ProblemKind(
        slug: "security-notification-required", title: "Security notifications cannot be turned off", status: .unprocessableContent
    )
    public static let emptyAudience = ProblemKind(
        slug: "empty-audience", title: "The audience selects no active organisation", status: .unprocessableContent
    )
    public static let unknownTimeZone = ProblemKind(
        slug: "unknown-time-zone", title: "The time zone is not a known IANA time zone", status: .unprocessableContent
    )
    public static let alreadyRegistered = ProblemKind(
        slug: "already-registered", title: "Already registered for this event", status: .conflict
    )
    public static let registrationClosed = ProblemKind(
        slug: "registration-closed", title: "The event has started: registrations no longer change", status: .conflict
    )
    public static let unknownQuestion = ProblemKind(
        slug: "unknown-question", title: "An answer names a question the consultation does not have", status: .unprocessableContent
    )
    public static let consultationClosed = ProblemKind(
        slug: "consultation-closed", title: "The consultation is not open for contributions", status: .conflict
    )
    public static let contributionSubmitted = ProblemKind(
        slug: "contribution-submitted", title: "The contribution was submitted and no longer changes", status: .conflict
    )
    public static let contributionNotSubmitted = ProblemKind(
        slug: "contribution-not-submitted", title: "Only a submitted contribution can be published", status: .conflict
    )
    public static let consultationNotClosed = ProblemKind(
        slug: "consultation-not-closed", title: "A synthesis comes after the consultation has closed", status: .conflict
    )
    public static let exportNotReady = ProblemKind(slug: "export-not-ready", title: "The export is not ready yet", status: .conflict)
    public static let exportGone = ProblemKind(slug: "export-gone", title: "The export was downloaded or has expired", status: .gone)
    public static let invalidInput = ProblemKind(slug: "invalid-input", title: "The input is not valid", status: .unprocessableContent)
    public static let unknownField = ProblemKind(slug: "unknown-field", title: "The body has a field that cannot be set", status: .badRequest)
    public static let malformedBody = ProblemKind(slug: "malformed-body", title: "The body is not valid JSON", status: .badRequest)
    public static let crossOrigin = ProblemKind(slug: "cross-origin", title: "Cross-site request refused", status: .forbidden)
    public static let csrfTokenMissing = ProblemKind(
        slug: "csrf-token-invalid", title: "Missing or wrong anti-CSRF token", status: .forbidden
    )
    public static let editConflict = ProblemKind(slug: "edit-conflict", title: "Someone changed this in the meantime", status: .conflict)
    public static let topicLocked = ProblemKind(slug: "topic-locked", title: "The topic is locked", status: .conflict)
    public static let alreadyModerated = ProblemKind(slug: "already-moderated", title: "Already decided by a moderator", status: .conflict)
    public static let rateLimited = ProblemKind(slug: "rate-limited", title: "Too many requests", status: .tooManyRequests)
    public static let fileTooLarge = ProblemKind(slug: "file-too-large", title: "The file is larger than allowed", status: .contentTooLarge)
    public static let quotaExceeded = ProblemKind(slug: "quota-exceeded", title: "Your storage quota is used up", status: .contentTooLarge)
    public static let fileTypeRefused = ProblemKind(
        slug: "file-type-refused", title: "This type of file is not accepted", status: .unsupportedMediaType
    )
    public static let uploadInProgress = ProblemKind(
        slug: "upload-in-progress", title: "Another version is being uploaded", status: .conflict
    )
    public static let rangeNotSatisfiable = ProblemKind(
        slug: "range-not-satisfiable", title: "The range is outside the file", status: .rangeNotSatisfiable
    )
    public static let fileInfected = ProblemKind(slug: "file-infected", title: "The file carries malware", status: .unprocessableContent)
    public static let scanUnavailable = ProblemKind(
        slug: "scan-unavailable", title: "Files cannot be scanned right now", status: .serviceUnavailable
    )
    public static let incompleteUpload = ProblemKind(slug: "incomplete-upload", title: "The upload was incomplete", status: .badRequest)
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
