import Foundation

/// Who is making a request, once authenticated: an account, through a session or an API token.
public struct Actor: Sendable, Equatable {
    public enum Credential: Sendable, Equatable {
        /// A browser or API session; `authenticatedAt` is the last password entry.
        case session(id: UUID, authenticatedAt: Date)
        /// A personal API token limited to `scopes`.
        case apiToken(id: UUID, scopes: Set<APITokenScope>)
    }

    public let accountID: UUID
    public let email: String
    public let displayName: String?
    public let role: Role
    public let twoFactorEnabled: Bool
    public let credential: Credential
    /// The organisations the account belongs to, and its role in each.
    public let memberships: [UUID: OrganisationRole]
    /// The groups the account belongs to.
    public let groups: Set<UUID>
    /// The language the member chose for Haven (ar, zh, en, fr, ru or es).
    public let language: String

    public init(
        accountID: UUID, email: String, displayName: String?, role: Role, twoFactorEnabled: Bool, credential: Credential,
        memberships: [UUID: OrganisationRole] = [:], groups: Set<UUID> = [], language: String = "en"
    ) {
        self.accountID = accountID
        self.email = email
        self.displayName = displayName
        self.role = role
        self.twoFactorEnabled = twoFactorEnabled
        self.credential = credential
        self.memberships = memberships
        self.groups = groups
        self.language = language
    }

    public var sessionID: UUID? {
        if case .session(let id, _) = self.credential { return id }
        return nil
    }
}

/// A member's role within an organisation.
public enum OrganisationRole: String, Sendable, Codable, CaseIterable {
    case member
    /// May invite colleagues into the organisation and remove them.
    case admin
}

/// What an API token may do.
public enum APITokenScope: String, Sendable, Codable, CaseIterable, Hashable {
    case read, write, moderate, admin

    /// The least role that may hold the scope.
    var minimumRole: Role {
        switch self {
        case .read, .write: .member
        case .moderate: .moderator
        case .admin: .administrator
        }
    }
}
