import Foundation

/// Everything someone may ask to do, with what the decision depends on. `Access` has a rule for
/// each case; the compiler makes sure no case goes without one.
public enum Permission: Sendable, Equatable {
    /// One's own profile, password, sessions, second factor and tokens.
    case useOwnAccount
    /// A personal API token with these scopes (no more than the role may do).
    case createAPIToken(scopes: Set<APITokenScope>)

    // Staff administration
    case listAccounts
    case readAccount
    /// Invite someone onto the platform with a platform role.
    case inviteAccount(role: Role)
    /// List, revoke and approve invitations.
    case manageInvitations
    case changeRole(target: UUID)
    case disableAccount(target: UUID)
    /// Ask for (or cancel) the deletion of another account (administrators; never their own this way).
    case deleteAccount(target: UUID)
    case enableAccount
    case forceSignOut
    case requestTwoFactorReset(target: UUID)
    /// Approve someone else's request (never one's own; nil when the request is unknown).
    case approveTwoFactorReset(requestedBy: UUID?)
    case readAudit
    /// The mail outbox's counts and recent messages (never their text).
    case readMailOutbox

    // Organisations
    case proposeOrganisation
    case listOrganisations
    /// See an organisation; `listed` says whether it shows itself to members of other organisations.
    case readOrganisation(id: UUID, status: OrganisationStatus, listed: Bool)
    case updateOrganisation(id: UUID)
    /// Approve or suspend an organisation.
    case reviewOrganisation
    case readOrganisationMembers(id: UUID)
    /// Search every organisation with its engagement, to reach out to them (staff).
    case useOutreachDirectory
    case inviteToOrganisation(id: UUID)
    /// Remove members, change their role in the organisation.
    case manageOrganisationMembers(id: UUID)

    // Groups and the directory
    case readGroups
    case manageGroups
    case readDirectory

    // Forums
    case readCategory(CategoryRules)
    /// Start a topic or reply in a category.
    case postInCategory(CategoryRules)
    /// Create and change categories.
    case manageCategories
    /// Approve, reject, hide, lock, pin, move and merge in a category; read revisions and flags.
    case moderateCategory(CategoryRules)
    /// Read a post (a topic, through its first post) by `author` in `state`.
    case readPost(CategoryRules, author: UUID?, state: PostState)
    /// Edit or delete a post.
    case changePost(CategoryRules, author: UUID?, state: PostState, topicLocked: Bool)
    /// Search, unread topics, bookmarks and one's own submissions (each filtered by what one sees).
    case searchForums
    /// The moderation queue (filtered by the categories one moderates).
    case readModerationQueue
    /// Learn who wrote a post in a pseudonymous category (administrators, with a reason).
    case revealPostAuthor

    // Documents
    /// List documents in a space (each still weighed by `readDocument`).
    case readDocumentSpace(DocumentSpaceRules)
    /// Upload a new document into a space.
    case uploadDocument(DocumentSpaceRules)
    /// Read a document version uploaded by `uploader`, approved or not, in a deleted document or not.
    case readDocument(DocumentSpaceRules, uploader: UUID?, approved: Bool, deleted: Bool)
    /// Upload a new version of a document, or delete it.
    case changeDocument(DocumentSpaceRules, uploader: UUID?)
    /// Approve or reject versions in a space.
    case vetDocuments(DocumentSpaceRules)
    /// Decide which spaces' uploads wait for a moderator.
    case configureDocumentVetting

    // Consultations
    /// Open consultations and read every submitted contribution.
    case manageConsultations
    /// See a consultation that asks the organisations `invited`, once it has `opened`.
    case readConsultation(invited: Set<UUID>, opened: Bool)
    /// Draft the contribution of `organisation` (its members) or, `submitting`, submit it and
    /// consent to its publication (its admins); `invited` says whether the consultation asks it.
    case contribute(organisation: UUID, invited: Bool, submitting: Bool)

    // Events
    /// Publish events; confirm, list, export and message their participants; attach material, a
    /// report and a follow-up topic.
    case manageEvents
    /// See an event whose audience includes the organisations `invited`, and register oneself.
    case readEvent(invited: Set<UUID>)
    /// Register a colleague for an event on behalf of `organisation` (its admins);
    /// `invited` says whether the event's audience includes it.
    case registerColleague(organisation: UUID, invited: Bool)
    /// Cancel the registration of `account`, made for `organisation` (if any).
    case cancelRegistration(account: UUID, organisation: UUID?)
}
