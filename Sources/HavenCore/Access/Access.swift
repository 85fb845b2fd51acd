import Foundation

/// The one place that decides who may do what. Services ask it before acting; handlers never
/// look at roles. Anything without an explicit yes is a no.
public enum Access {
    /// The answer to "may `actor` do this?".
    public enum Decision: Sendable, Equatable {
        case allow
        /// Refused, and the caller may know the thing exists (403).
        case deny
        /// Refused, and its very existence is not for this caller (404).
        case hide
    }

    public static func decide(_ actor: Actor?, _ permission: Permission) -> Decision {
        guard let actor else { return .deny }
        let administrator = actor.role == .administrator
        let staff = actor.role.isStaff
        func member(of organisation: UUID) -> Bool { actor.memberships[organisation] != nil }
        func admin(of organisation: UUID) -> Bool { actor.memberships[organisation] == .admin }
        // Administrators see every category; moderators see staff categories but restricted ones
        // only through their groups or organisations, like anyone else.
        func sees(_ rules: CategoryRules) -> Bool {
            rules.visibility.allSatisfy { rule in
                switch rule.audience {
                case .members: true
                case .staff: staff
                case .restricted:
                    administrator || !rule.groups.isDisjoint(with: actor.groups) || rule.organisations.contains(where: member(of:))
                }
            }
        }
        func posts(in rules: CategoryRules) -> Bool {
            switch rules.posting {
            case .members: true
            case .staff: staff
            case .restricted: staff || !rules.postingGroups.isDisjoint(with: actor.groups)
            }
        }

        func sees(_ space: DocumentSpaceRules) -> Bool {
            switch space {
            case .library: true
            case .category(let rules): sees(rules)
            case .group(let id): staff || actor.groups.contains(id)
            case .organisation(let id): staff || member(of: id)
            }
        }

        switch permission {
        case .useOwnAccount, .proposeOrganisation, .listOrganisations, .readDirectory:
            return .allow
        case .createAPIToken(let scopes):
            return scopes.allSatisfy { actor.role >= $0.minimumRole } ? .allow : .deny
        case .listAccounts, .readAccount, .inviteAccount, .manageInvitations, .changeRole, .disableAccount, .enableAccount,
            .forceSignOut, .deleteAccount, .requestTwoFactorReset, .readAudit, .reviewOrganisation, .manageGroups,
            .readMailOutbox:
            return administrator ? .allow : .deny
        case .approveTwoFactorReset(let requester):
            return administrator && requester != actor.accountID ? .allow : .deny
        case .readGroups, .readModerationQueue:
            return staff ? .allow : .deny
        case .readOrganisation(let id, let status, let listed):
            if administrator || admin(of: id) { return .allow }
            return status == .active && (listed || member(of: id)) ? .allow : .hide
        case .updateOrganisation(let id), .inviteToOrganisation(let id), .manageOrganisationMembers(let id):
            if administrator || admin(of: id) { return .allow }
            return member(of: id) ? .deny : .hide
        case .readOrganisationMembers(let id):
            return administrator || member(of: id) ? .allow : .hide
        case .searchForums:
            return .allow
        case .manageCategories, .configureDocumentVetting, .revealPostAuthor, .manageConsultations, .useOutreachDirectory:
            return administrator ? .allow : .deny
        case .readConsultation(let invited, let opened):
            return administrator || (opened && invited.contains(where: member(of:))) ? .allow : .hide
        case .contribute(let organisation, let invited, let submitting):
            guard invited && member(of: organisation) else { return .hide }
            return !submitting || admin(of: organisation) ? .allow : .deny
        case .manageEvents:
            return administrator ? .allow : .deny
        case .readEvent(let invited):
            return administrator || invited.contains(where: member(of:)) ? .allow : .hide
        case .registerColleague(let organisation, let invited):
            guard invited && member(of: organisation) else { return .hide }
            return admin(of: organisation) ? .allow : .deny
        case .cancelRegistration(let account, let organisation):
            if administrator || account == actor.accountID { return .allow }
            return organisation.map(admin(of:)) == true ? .allow : .hide
        case .readCategory(let rules):
            return sees(rules) ? .allow : .hide
        case .postInCategory(let rules):
            guard sees(rules) else { return .hide }
            return posts(in: rules) ? .allow : .deny
        case .moderateCategory(let rules):
            guard sees(rules) else { return .hide }
            return staff ? .allow : .deny
        case .readPost(let rules, let author, let state):
            guard sees(rules) else { return .hide }
            if staff || state == .published { return .allow }
            return author == actor.accountID && state != .deleted ? .allow : .hide
        case .changePost(let rules, let author, let state, let locked):
            guard sees(rules) else { return .hide }
            if staff { return .allow }
            if author == actor.accountID {
                return [.pending, .published].contains(state) && !locked ? .allow : .deny
            }
            return state == .published ? .deny : .hide
        case .readDocumentSpace(let space):
            return sees(space) ? .allow : .hide
        case .uploadDocument(let space):
            guard sees(space) else { return .hide }
            if case .category(let rules) = space, !posts(in: rules) { return .deny }
            return .allow
        case .readDocument(let space, let uploader, let approved, let deleted):
            guard sees(space) else { return .hide }
            if staff { return .allow }
            if deleted { return .hide }
            return approved || uploader == actor.accountID ? .allow : .hide
        case .changeDocument(let space, let uploader):
            guard sees(space) else { return .hide }
            return staff || uploader == actor.accountID ? .allow : .deny
        case .vetDocuments(let space):
            guard sees(space) else { return .hide }
            return staff ? .allow : .deny
        }
    }

    /// Throws unless allowed: `.notSignedIn` for nobody, `.forbidden` or `.notFound` otherwise.
    public static func require(_ actor: Actor?, _ permission: Permission) throws(AccountError) {
        guard actor != nil else { throw .notSignedIn }
        switch self.decide(actor, permission) {
        case .allow: return
        case .deny: throw .forbidden
        case .hide: throw .notFound
        }
    }
}
