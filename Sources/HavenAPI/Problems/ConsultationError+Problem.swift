import HavenCore

extension ConsultationError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .invalid: Problem(.invalidInput, detail: self.description)
        case .emptyAudience: Problem(.emptyAudience, detail: "Choose organisations, countries or thematic areas that match at least one active organisation.")
        case .unknownQuestion: Problem(.unknownQuestion, detail: self.description)
        case .closed: Problem(.consultationClosed)
        case .alreadySubmitted: Problem(.contributionSubmitted)
        case .notSubmitted: Problem(.contributionNotSubmitted, detail: "Submit the contribution first; publication needs your organisation's consent to what it submitted.")
        case .notClosed: Problem(.consultationNotClosed)
        }
    }
}
