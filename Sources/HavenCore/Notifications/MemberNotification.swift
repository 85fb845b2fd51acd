import Foundation

/// One notification in a member's inbox.
public struct MemberNotification: Sendable, Encodable {
    public var id: UUID
    public var kind: NotificationKind
    public var subject: Notice.Subject?
    public var details: [String: String]
    public var createdAt: Date
    public var readAt: Date?
}
