import Foundation

/// Something to tell some members, recorded in the same transaction as the change it reports.
public struct Notice: Sendable {
    /// What a notification is about, by id: never its content.
    public struct Subject: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable {
            case topic, post, document, session, consultation, event, export
        }

        public var kind: Kind
        public var id: UUID

        public init(_ kind: Kind, _ id: UUID) {
            self.kind = kind
            self.id = id
        }
    }

    public var kind: NotificationKind
    public var recipients: [UUID]
    public var subject: Subject?
    /// Shown in the app to the recipient (a rejection's reason, say); in mail only where the
    /// installation allows excerpts.
    public var details: [String: String]
    /// A title that mail may quote where the installation allows excerpts.
    public var excerpt: String?

    public init(_ kind: NotificationKind, to recipients: [UUID], about subject: Subject? = nil, details: [String: String] = [:], excerpt: String? = nil) {
        self.kind = kind
        self.recipients = recipients
        self.subject = subject
        self.details = details
        self.excerpt = excerpt
    }
}
