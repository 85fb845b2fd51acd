/// Why a consultation or a contribution was refused.
public enum ConsultationError: Error, Equatable, CustomStringConvertible {
    /// A field of the request is wrong.
    case invalid(field: String, String)
    /// The audience selects no active organisation.
    case emptyAudience
    /// An answer names a question the consultation does not have.
    case unknownQuestion(String)
    /// The consultation has not opened, or has closed: contributions can no longer change.
    case closed
    /// The contribution was submitted: it can no longer change.
    case alreadySubmitted
    /// Only a submitted contribution can be published, with its organisation's consent.
    case notSubmitted
    /// A synthesis comes after the consultation has closed.
    case notClosed

    public var description: String {
        switch self {
        case .invalid(let field, let reason): "\(field): \(reason)"
        case .emptyAudience: "the audience selects no active organisation"
        case .unknownQuestion(let id): "answers: \(id) is not a question of this consultation"
        case .closed: "the consultation is not open for contributions"
        case .alreadySubmitted: "the contribution was submitted and can no longer change"
        case .notSubmitted: "the contribution has not been submitted"
        case .notClosed: "the consultation has not closed yet"
        }
    }
}

extension ConsultationError {
    /// A form's failure, said as this error.
    init(_ failure: Form.Failure) {
        switch failure {
        case .invalid(let field, let reason): self = .invalid(field: field, reason)
        case .unknownQuestion(let id): self = .unknownQuestion(id)
        }
    }

    /// Runs `check`, saying its failure as this error.
    static func form<Value>(_ check: () throws(Form.Failure) -> Value) throws(ConsultationError) -> Value {
        do { return try check() } catch { throw ConsultationError(error) }
    }
}
