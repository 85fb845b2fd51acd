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

    public var sessionID: UUID? {
        if case .session(let id, _) = self.credential { return id }
        return nil
    }
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
