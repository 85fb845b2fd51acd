import Foundation

/// An account as the rest of Haven sees it (never with its secrets).
public struct Account: Sendable, Equatable, Codable {
    public var id: UUID
    public var email: String
    public var displayName: String?
    public var role: Role
    public var status: AccountStatus
    public var twoFactorEnabled: Bool
    public var createdAt: Date
    /// The language Haven writes to this member in (mail, notifications): ar, zh, en, fr, ru or es.
    public var language: String = "en"
    /// When the account will be erased, if its deletion has been asked for and not cancelled.
    public var deletionDueAt: Date? = nil
}
