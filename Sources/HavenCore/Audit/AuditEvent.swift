import Foundation

/// One security-relevant or staff action, as the audit log records it.
public struct AuditEvent: Sendable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        case success, failure, denied
    }

    /// Who acted (nil: someone not signed in, or the command line).
    public var actor: UUID?
    /// A stable dotted name, e.g. `session.sign-in`, `account.role-change`.
    public var action: String
    /// What it was done to, e.g. `account:<uuid>`.
    public var target: String
    public var outcome: Outcome
    /// The source address, truncated.
    public var addressPrefix: String
    /// Small facts that help a reviewer (never secrets), e.g. {"role": "moderator"}. Ids, counts
    /// and fixed words only — never an email, a name or free text: rows can never change, and they
    /// outlive the accounts they mention, whose ids become pseudonyms once the account is erased
    /// (see `Accounts.purgeDue(now:)`).
    public var details: [String: String]

    public init(
        actor: UUID?, action: String, target: String = "", outcome: Outcome = .success, addressPrefix: String = "",
        details: [String: String] = [:]
    ) {
        self.actor = actor
        self.action = action
        self.target = target
        self.outcome = outcome
        self.addressPrefix = addressPrefix
        self.details = details
    }
}

/// A recorded event with its place in the chain.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var position: Int
    public var id: UUID
    public var occurredAt: Date
    public var actorId: UUID?
    public var action: String
    public var target: String
    public var outcome: String
    public var addressPrefix: String
    public var details: [String: String]
}
