/// How notifications reach people by mail.
public struct NotificationsConfiguration: Sendable {
    /// Where links in mail point (the notifications page under it).
    public var publicURL: String
    /// Whether mail may quote titles and reasons. Off by default: the mailboxes of people at risk
    /// are often read by others, so mail says only that something happened.
    public var excerptsInMail: Bool

    public init(publicURL: String = "https://localhost:8080", excerptsInMail: Bool = false) {
        self.publicURL = publicURL
        self.excerptsInMail = excerptsInMail
    }
}
