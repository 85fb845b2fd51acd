import HavenCore

extension ForumError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .editConflict(_, let current):
            Problem(.editConflict, detail: "The post is now at version \(current). Reload it, reapply your change and save again.")
        case .topicLocked: Problem(.topicLocked, detail: "Only moderators post in a locked topic.")
        case .alreadyModerated: Problem(.alreadyModerated)
        case .rateLimited(let seconds): Problem(.rateLimited, detail: "Try again in \(seconds) seconds.", retryAfter: seconds)
        }
    }
}
