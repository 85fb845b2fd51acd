/// Whether members' uploads into a space wait for a moderator, and whether that is the space's
/// own setting or the default for its kind.
public struct DocumentSpaceVetting: Sendable, Encodable {
    public var space: String
    public var spaceId: String?
    public var vetted: Bool
    /// False when the space follows the installation's default for its kind.
    public var overridden: Bool
}
