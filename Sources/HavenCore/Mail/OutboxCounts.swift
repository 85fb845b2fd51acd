/// How many messages of the outbox wait, were sent, and were given up.
public struct OutboxCounts: Sendable, Equatable {
    public var pending: Int
    public var sent: Int
    public var dead: Int

    public init(pending: Int, sent: Int, dead: Int) {
        self.pending = pending
        self.sent = sent
        self.dead = dead
    }
}
