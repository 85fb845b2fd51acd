import Foundation

/// A page of the inbox, with the count of unread notifications and the cursor of the next page.
public struct NotificationPage: Sendable, Encodable {
    public var items: [MemberNotification]
    public var unreadCount: Int
    public var nextCursor: UUID?
}
