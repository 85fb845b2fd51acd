/// What a notification tells its reader.
public enum NotificationKind: String, Sendable, CaseIterable, Codable {
    /// Someone replied in a topic I started.
    case reply
    /// Someone mentioned me (@name) in a post.
    case mention
    case postApproved = "post-approved"
    /// My post was rejected; the reason is in the details.
    case postRejected = "post-rejected"
    case documentApproved = "document-approved"
    case documentRejected = "document-rejected"
    /// A report I made was settled.
    case flagResolved = "flag-resolved"
    /// Something waits in a queue I moderate.
    case moderationQueue = "moderation-queue"
    case newSignIn = "new-sign-in"
    case passwordChanged = "password-changed"
    case twoFactorChanged = "two-factor-changed"
    case sessionRevoked = "session-revoked"
    /// A consultation my organisation has not yet answered closes soon.
    case consultationReminder = "consultation-reminder"
    /// My place at an event changed: registered, on the waiting list, confirmed, promoted.
    case eventRegistration = "event-registration"
    /// The staff of an event I registered for sent its participants a message.
    case eventMessage = "event-message"
    /// An administrator revealed that I wrote a post in a pseudonymous category; the reason is in
    /// the details. It cannot be turned off.
    case authorRevealed = "author-revealed"
    /// The export of my data I asked for is ready to download (once, for a limited time).
    case dataExportReady = "data-export-ready"

    /// Security events on one's own account: they cannot be turned off.
    public var isSecurity: Bool {
        switch self {
        case .newSignIn, .passwordChanged, .twoFactorChanged, .sessionRevoked: true
        default: false
        }
    }

    /// Whether a member may turn it off: not security events, nor the news that an administrator
    /// unmasked one's pseudonymous post, nor the export they asked for (otherwise lost when it expires).
    public var canBeTurnedOff: Bool { !self.isSecurity && self != .authorRevealed && self != .dataExportReady }

    /// How it is delivered until the member chooses: security events by mail as well, the rest
    /// in the app only.
    public var defaultDelivery: NotificationDelivery { self.isSecurity ? .email : .inApp }
}

/// How a member wants a kind of notification delivered.
public enum NotificationDelivery: String, Sendable, CaseIterable, Codable {
    /// In the app's inbox only.
    case inApp = "in-app"
    /// In the inbox, and by mail.
    case email
    case off
}
