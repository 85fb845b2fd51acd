/// The rules and limits of sign-in, sessions and recovery; defaults follow the security brief.
public struct AccountsConfiguration: Sendable {
    public var passwordPolicy = PasswordPolicy()
    /// A session unused this long ends.
    public var sessionIdleTimeout: Duration = .seconds(30 * 60)
    /// A session ends this long after sign-in, used or not.
    public var sessionAbsoluteTimeout: Duration = .seconds(12 * 3600)
    public var invitationLifetime: Duration = .seconds(7 * 86_400)
    public var passwordResetLifetime: Duration = .seconds(30 * 60)
    /// Sensitive actions need the password re-entered when the last entry is older than this.
    public var reauthenticationWindow: Duration = .seconds(15 * 60)
    /// Moderators and administrators must enrol TOTP before using the platform.
    public var requireSecondFactorForStaff = true
    /// Failures allowed per account or source before back-off starts.
    public var throttleFreeFailures = 5
    /// The longest back-off after repeated failures.
    public var throttleMaximumDelay: Duration = .seconds(15 * 60)
    /// Invitations made by organisation admins wait for staff approval.
    public var organisationInvitationsNeedApproval = true
    /// The address mails link to, e.g. `https://haven.example.org`.
    public var publicURL = "https://localhost:8080"
    /// The name authenticator apps show.
    public var issuer = "Haven"
    /// How long a requested deletion waits before the account is erased; signing in meanwhile
    /// (or cancelling) takes it back.
    public var deletionGracePeriod: Duration = .seconds(7 * 86_400)
    /// What becomes of a deleted member's posts. The default lets the member decide, and removes
    /// them when nobody decided: a member at risk is safest when their words go with them.
    public var deletedPosts = DeletedPostsPolicy.memberChoice

    public init() {}
}
