import Foundation

/// The master key new data keys are wrapped under, and earlier ones still accepted for
/// unwrapping until `haven admin rotate-master-key` has re-wrapped everything.
public struct MasterKeyring: Sendable {
    public let current: MasterKey
    public let previous: [MasterKey]

    public init(current: MasterKey, previous: [MasterKey] = []) {
        self.current = current
        self.previous = previous.filter { $0.id != current.id }
    }

    /// The key with this id, or `DocumentError.masterKeyUnavailable`.
    func key(id: String) throws(DocumentError) -> MasterKey {
        if self.current.id == id { return self.current }
        guard let key = self.previous.first(where: { $0.id == id }) else { throw .masterKeyUnavailable(keyID: id) }
        return key
    }
}
