import Foundation

/// Where a document lives, which decides who sees it: the platform-wide library, a forum
/// category, a group or an organisation.
public enum DocumentSpace: Sendable, Hashable, CustomStringConvertible {
    case library
    case category(UUID)
    case group(UUID)
    case organisation(UUID)

    /// `library`, `category`, `group` or `organisation`, as stored and as the API spells it.
    public var kind: String {
        switch self {
        case .library: "library"
        case .category: "category"
        case .group: "group"
        case .organisation: "organisation"
        }
    }

    /// The category, group or organisation; nil for the library.
    public var id: UUID? {
        switch self {
        case .library: nil
        case .category(let id), .group(let id), .organisation(let id): id
        }
    }

    /// The space named by `kind` and `id`, or nil when they do not fit together.
    public init?(kind: String, id: UUID?) {
        switch (kind, id) {
        case ("library", nil): self = .library
        case ("category", let id?): self = .category(id)
        case ("group", let id?): self = .group(id)
        case ("organisation", let id?): self = .organisation(id)
        default: return nil
        }
    }

    public var description: String { self.id.map { "\(self.kind):\($0.uuidString.lowercased())" } ?? self.kind }
}
