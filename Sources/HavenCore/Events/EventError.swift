/// Why an event or a registration was refused.
public enum EventError: Error, Equatable, CustomStringConvertible {
    /// A field of the request is wrong.
    case invalid(field: String, String)
    /// The time zone is not an IANA time zone this server knows.
    case unknownTimeZone(String)
    /// The audience selects no active organisation.
    case emptyAudience
    /// An answer names a question the event does not ask.
    case unknownQuestion(String)
    /// The person already has a place or is on the waiting list.
    case alreadyRegistered
    /// The event has started: registrations no longer change.
    case registrationClosed
    /// Only a registration with a place can be confirmed.
    case notAPlace
    /// The event's follow-up topic was opened already.
    case followUpOpened

    public var description: String {
        switch self {
        case .invalid(let field, let reason): "\(field): \(reason)"
        case .unknownTimeZone(let zone): "time_zone: \(zone) is not a known IANA time zone, e.g. Africa/Nairobi"
        case .emptyAudience: "the audience selects no active organisation"
        case .unknownQuestion(let id): "answers: \(id) is not a question of this event"
        case .alreadyRegistered: "already registered for this event, or on its waiting list"
        case .registrationClosed: "the event has started: registrations no longer change"
        case .notAPlace: "only a registration with a place can be confirmed"
        case .followUpOpened: "the event's follow-up topic was opened already"
        }
    }
}

extension EventError {
    /// A form's failure, said as this error.
    init(_ failure: Form.Failure) {
        switch failure {
        case .invalid(let field, let reason): self = .invalid(field: field, reason)
        case .unknownQuestion(let id): self = .unknownQuestion(id)
        }
    }

    /// Runs `check`, saying its failure as this error.
    static func form<Value>(_ check: () throws(Form.Failure) -> Value) throws(EventError) -> Value {
        do { return try check() } catch { throw EventError(error) }
    }
}
