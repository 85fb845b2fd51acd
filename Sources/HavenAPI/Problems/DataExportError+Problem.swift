import HavenCore

extension DataExportError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .rateLimited(let seconds):
            Problem(.rateLimited, detail: "One export at a time, and one a day: try again in \(seconds) seconds.", retryAfter: seconds)
        case .notReady: Problem(.exportNotReady, detail: "The export is still being prepared; its progress is at /me/exports/{id}.")
        case .gone: Problem(.exportGone, detail: "An export can be downloaded once, until it expires; ask for a new one.")
        }
    }
}
