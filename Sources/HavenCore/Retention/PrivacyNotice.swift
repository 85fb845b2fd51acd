/// What Haven stores, why, and for how long, generated from the retention policy in force, so the
/// notice cannot drift from what the purges do. Each item has a stable `id` that a translated
/// interface can key its own texts by; the English texts here are the reference.
public struct PrivacyNotice: Sendable, Equatable, Codable {
    /// One kind of record.
    public struct Item: Sendable, Equatable, Codable {
        /// Stable across versions and languages, e.g. `addresses`.
        public var id: String
        /// What is stored.
        public var stored: String
        /// Why it is stored.
        public var purpose: String
        /// Days kept after `retentionStart` (nil: as long as described in `retention`).
        public var retentionDays: Int?
        /// What the period counts from: `created`, `ended`, `deleted`, or nil when it is not a period.
        public var retentionStart: String?
        /// How long, in words.
        public var retention: String
    }

    /// The language of the texts (BCP 47).
    public var language: String
    public var items: [Item]

    /// The notice for `policy`, for the data exports members ask for (`exports`), and for account
    /// deletion as `accounts` configures it.
    public init(
        policy: RetentionPolicy, exports: DataExportsConfiguration = DataExportsConfiguration(),
        accounts: AccountsConfiguration = AccountsConfiguration()
    ) {
        func period(_ days: Int?, after start: String, otherwise: String) -> String {
            guard let days else { return otherwise }
            return "\(days) \(days == 1 ? "day" : "days") after \(start)"
        }
        let graceDays = Int((accounts.deletionGracePeriod / .seconds(86_400)).rounded(.up))
        self.language = "en"
        self.items = [
            Item(
                id: "account", stored: "Your email address, display name, role, language, organisation memberships, and your password as an Argon2id hash.",
                purpose: "To let you sign in, to decide what you may see and do, and to write to you.",
                retentionDays: nil, retentionStart: nil, retention: "As long as your account exists."
            ),
            Item(
                id: "account-deletion",
                stored: "When you delete your account: the date it is due, and what you chose for your posts.",
                purpose: "To let you change your mind: signing in before the date takes the deletion back.",
                retentionDays: graceDays, retentionStart: "requested",
                retention: "Your account and everything about you are erased \(graceDays) \(graceDays == 1 ? "day" : "days") after you ask; "
                    + Self.postsAfterDeletion(accounts.deletedPosts)
                    + " Documents you uploaded are destroyed with their keys, unless an organisation owns them."
                    + " The audit log keeps your account's id, which then refers to no one."
            ),
            Item(
                id: "pseudonyms",
                stored: "In pseudonymous categories, which pseudonym is yours in each topic (and on each document you upload there).",
                purpose: "To show others only your pseudonym; an administrator may reveal one post's author, with a reason that you are told.",
                retentionDays: nil, retentionStart: nil, retention: "As long as the topic or document and your account exist."
            ),
            Item(
                id: "two-factor", stored: "Your two-factor secret (encrypted) and your recovery codes (as hashes).",
                purpose: "To protect your account with a second factor.",
                retentionDays: nil, retentionStart: nil, retention: "As long as you keep two-factor authentication enrolled."
            ),
            Item(
                id: "addresses",
                stored: "Network addresses, truncated (/24 for IPv4, /48 for IPv6), of sign-ins and failed attempts, and failed-attempt counters.",
                purpose: "To slow down password guessing and to investigate attacks on accounts.",
                retentionDays: policy.addresses, retentionStart: "created",
                retention: period(policy.addresses, after: "they are recorded", otherwise: "")
            ),
            Item(
                id: "sessions", stored: "Your sessions: when they started and were last used, and the browser's name.",
                purpose: "To keep you signed in, to let you see and end your sessions, and to warn you of a sign-in from a new browser.",
                retentionDays: policy.sessions, retentionStart: "ended",
                retention: period(policy.sessions, after: "the session ends", otherwise: "Kept after the session ends.")
            ),
            Item(
                id: "tokens", stored: "Invitations (the invitee's email address), password-reset and second-factor reset requests, used recovery codes; tokens and codes only as hashes.",
                purpose: "To let people join, and to recover access to an account.",
                retentionDays: policy.tokens, retentionStart: "ended",
                retention: period(policy.tokens, after: "they are used, revoked or expire", otherwise: "Kept after they are used or expire.")
            ),
            Item(
                id: "notifications", stored: "Your notifications: what happened, by reference, never by content.",
                purpose: "To tell you about replies, mentions, moderation decisions and security events.",
                retentionDays: policy.notifications, retentionStart: "created",
                retention: period(policy.notifications, after: "they are created, read or not", otherwise: "Kept until your account is deleted.")
            ),
            Item(
                id: "sent-mail", stored: "Mail Haven sent you (address, subject and text), kept in its outbox.",
                purpose: "To deliver it, retry when the mail server is unavailable, and show operators what was sent.",
                retentionDays: policy.sentMail, retentionStart: "ended",
                retention: period(policy.sentMail, after: "it is sent or given up", otherwise: "Kept after it is sent.")
            ),
            Item(
                id: "posts", stored: "Forum posts, their earlier versions, reactions, flags and bookmarks.",
                purpose: "To hold the discussions members share, and to let moderators vet them.",
                retentionDays: policy.deletedPosts, retentionStart: "deleted",
                retention: "Until deleted, then " + period(policy.deletedPosts, after: "deletion", otherwise: "kept for moderators")
                    + "; in categories with a retention period of their own, posts older than that period are deleted."
            ),
            Item(
                id: "documents", stored: "Documents you upload, encrypted, with their titles and descriptions.",
                purpose: "To share documents in libraries, and to let moderators vet them.",
                retentionDays: policy.deletedDocuments, retentionStart: "deleted",
                retention: "Until deleted (or rejected), then " + period(policy.deletedDocuments, after: "that", otherwise: "kept")
                    + ", when their encryption keys are destroyed."
            ),
            Item(
                id: "events", stored: "Your registrations for events, your answers to their registration questions, and your place or waiting-list position.",
                purpose: "To organise the event, tell you where it happens, and let the organisers list participants.",
                retentionDays: nil, retentionStart: nil, retention: "As long as the event is kept, or until you cancel."
            ),
            Item(
                id: "consultations", stored: "Your organisation's contributions to consultations, and whether it consents to their publication.",
                purpose: "To collect civil society's input, and publish it only as your organisation's administrators allow.",
                retentionDays: nil, retentionStart: nil, retention: "As long as the consultation is kept."
            ),
            Item(
                id: "data-exports",
                stored: "The exports of your data you ask for: a ZIP archive of everything above that concerns you, encrypted.",
                purpose: "To give you your data when you ask for it.",
                retentionDays: Int((exports.retention / 86_400).rounded(.up)), retentionStart: "created",
                retention: "Deleted as you download it, or unread "
                    + period(Int((exports.retention / 86_400).rounded(.up)), after: "it is ready", otherwise: "")
                    + "; the record that you asked for it is kept with your account."
            ),
            Item(
                id: "audit", stored: "A tamper-evident log of security and staff actions: who did what to which record, by id, never content.",
                purpose: "To investigate abuse and attacks, and to prove what staff did.",
                retentionDays: policy.audit, retentionStart: "created",
                retention: period(policy.audit, after: "the action", otherwise: "Kept indefinitely.")
            ),
        ]
    }

    /// What becomes of a deleted member's posts, in words.
    static func postsAfterDeletion(_ policy: DeletedPostsPolicy) -> String {
        switch policy {
        case .remove: "your posts are removed."
        case .keep: "your posts stay, under the label \"Former member\", with nothing that names you."
        case .memberChoice: "your posts are removed, or kept under the label \"Former member\" if you choose so when you ask."
        }
    }
}
