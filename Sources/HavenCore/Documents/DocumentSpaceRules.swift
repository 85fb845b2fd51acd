import Foundation

/// A document space as the access policy weighs it: a category comes with its rules.
public enum DocumentSpaceRules: Sendable, Equatable {
    case library
    case category(CategoryRules)
    case group(UUID)
    case organisation(UUID)
}
