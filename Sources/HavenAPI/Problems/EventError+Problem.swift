import HavenCore

extension EventError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .invalid: Problem(.invalidInput, detail: self.description)
        case .unknownTimeZone: Problem(.unknownTimeZone, detail: self.description)
        case .emptyAudience: Problem(.emptyAudience, detail: "Choose organisations, countries or thematic areas that match at least one active organisation.")
        case .unknownQuestion: Problem(.unknownQuestion, detail: self.description)
        case .alreadyRegistered: Problem(.alreadyRegistered, detail: "Cancel the registration first to register again.")
        case .registrationClosed: Problem(.registrationClosed)
        case .notAPlace: Problem(.stateConflict, detail: self.description)
        case .followUpOpened: Problem(.stateConflict, detail: self.description)
        }
    }
}
