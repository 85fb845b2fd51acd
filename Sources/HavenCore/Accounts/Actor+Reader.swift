import Foundation
import PostgresClient

extension Actor {
    /// Columns of `accounts a` that `reader(from:at:)` decodes into an actor standing for that
    /// member, to ask `Access` what they may read when someone else is acting (a mention, a digest).
    static let readerColumns: StaticString = """
        a.id, a.email, a.display_name, a.role, a.totp_enabled_at IS NOT NULL,
        ARRAY(SELECT m.organisation_id FROM memberships m JOIN organisations o ON o.id = m.organisation_id
              WHERE m.account_id = a.id AND o.status <> 'suspended' ORDER BY m.organisation_id),
        ARRAY(SELECT m.role FROM memberships m JOIN organisations o ON o.id = m.organisation_id
              WHERE m.account_id = a.id AND o.status <> 'suspended' ORDER BY m.organisation_id),
        ARRAY(SELECT g.group_id FROM group_members g WHERE g.account_id = a.id)
        """

    /// The member `readerColumns` describe, from column `start` on; it holds no credential of theirs.
    static func reader(from row: PostgresRow, at start: Int = 0) throws -> Actor {
        let (id, email, name, role, twoFactor, organisations, roles, groups) =
            try row.decode((UUID, String, String?, String, Bool, [UUID], [String], [UUID]).self, startingAt: start)
        return Actor(
            accountID: id, email: email, displayName: name, role: Role(rawValue: role) ?? .member, twoFactorEnabled: twoFactor,
            credential: .session(id: UUID(), authenticatedAt: .distantPast), memberships: Accounts.memberships(organisations, roles),
            groups: Set(groups)
        )
    }
}
