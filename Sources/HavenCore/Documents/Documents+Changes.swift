import Foundation

extension Documents {
    /// Whether `actor` may add versions to or delete the document (its uploader, or staff), so a
    /// page offers only the forms that would succeed. Not found or not readable: false.
    public func mayChange(_ id: UUID, by actor: Actor) async -> Bool {
        guard let target = try? await self.readable(id, for: actor) else { return false }
        let (stored, _, rules) = target
        return !stored.deleted && Access.decide(actor, .changeDocument(rules, uploader: stored.uploaderId)) == .allow
    }
}
