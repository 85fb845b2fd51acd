import Foundation

/// A message of the outbox as administrators see it, secrets in its links redacted.
public struct OutboxEntry: Sendable {
    public enum State: Sendable, Equatable {
        case pending
        case sent(Date)
        case dead(Date)
    }

    public var id: UUID
    public var recipient: String
    public var kind: String
    public var subject: String
    public var text: String
    public var created: Date
    public var attempts: Int
    public var state: State
    public var lastError: String?
}
