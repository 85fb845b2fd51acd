/// A platform role. Staff roles (moderator, administrator) must use a second factor.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case member
    case moderator
    case administrator

    public var isStaff: Bool { self != .member }

    private var rank: Int {
        switch self {
        case .member: 0
        case .moderator: 1
        case .administrator: 2
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// Where an account stands.
public enum AccountStatus: String, Sendable, Codable {
    case invited, active, disabled, deleted
}
