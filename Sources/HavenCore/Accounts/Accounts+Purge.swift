import Foundation
import Logging
import PostgresClient

extension Accounts {
    /// Erases every account whose deletion is due at `now` (the purge job calls it with the
    /// clock; tests move the clock instead of waiting). Returns how many accounts were erased.
    ///
    /// What erasing an account does, table by table (every column that can hold the member's id,
    /// email or name):
    /// - `accounts`: the row goes (email, display name, password hash, TOTP secret, settings).
    ///   With it, by `ON DELETE CASCADE`: `sessions`, `api_tokens`, `recovery_codes`,
    ///   `password_resets`, `memberships`, `group_members`, `notifications` (theirs),
    ///   `notification_preferences`, `category_follows`, `forum_reactions`, `forum_bookmarks`,
    ///   `forum_reads`, `event_registrations` (theirs), `two_factor_resets` of their account,
    ///   `account_deletions`.
    /// - By `ON DELETE SET NULL` the id leaves what others keep: `invitations.invited_by` and
    ///   `approved_by`, `organisations.created_by`, `forum_topics.author_id`, `forum_posts.author_id`,
    ///   `edited_by` and `moderated_by`, `forum_post_revisions.written_by`, `forum_flags.flagged_by`
    ///   and `resolved_by` (the flag is about the post, and stays for moderators), `documents.uploader_id`
    ///   and `deleted_by`, `document_versions.uploaded_by` and `decided_by`,
    ///   `document_space_vetting.changed_by`, `consultations.created_by`,
    ///   `consultation_contributions.updated_by` and `submitted_by` (the contribution is the
    ///   organisation's and stays), `contribution_documents.added_by`, `events.created_by`,
    ///   `event_registrations.registered_by` (a colleague they registered keeps the place),
    ///   `event_materials.attached_by`.
    /// - Deleted here, because no foreign key reaches them: `invitations` to their email (or
    ///   accepted as them), `mail_outbox` rows to their email (sent or not), their `auth_throttle`
    ///   row (keyed by a keyed hash of the email), and `two_factor_resets` they requested (the
    ///   column refuses NULL; the audit log keeps the decision); `approved_by` is cleared.
    /// - Forum posts: `Forums.forget` (removed or kept as a former member's, per `PendingDeletion.posts`).
    /// - Documents: `Documents.forget` (crypto-shredded unless an organisation owns them).
    /// - Nothing to do: `audit_head`, `installation_keys`, `country_regions`, `groups`,
    ///   `forum_categories` (ids of groups and organisations only), `document_chunks` (go with
    ///   their version), `consultation_documents` (document ids only).
    ///
    /// The audit log keeps the id, as a pseudonym. Its rows cannot change (each is hashed into the
    /// next, Schema/0003), and they refer to people by account id only: `actor_id` and
    /// `account:<id>` targets — no audit row's details hold an email, a name or free text. Once every
    /// other table has forgotten the id, it maps to nobody: the log still shows that one account
    /// did these things, and when it was deleted (`account.deleted`), but no longer who that was.
    /// The chain is untouched, so `haven audit verify` still passes.
    public func purgeDue(now: Date = Date()) async throws -> Int {
        let due = try await self.pool.query(
            "SELECT account_id FROM account_deletions WHERE due_at <= \(now) ORDER BY due_at LIMIT 100" // account_deletions_due
        ).map { try $0.decode(column: 0, as: UUID.self) }
        var purged = 0
        for account in due {
            if try await self.purge(account, now: now) { purged += 1 }
        }
        return purged
    }

    /// Erases one account whose deletion is due, in one transaction; false when it is no longer
    /// due (cancelled meanwhile) or is the last active administrator.
    func purge(_ account: UUID, now: Date) async throws -> Bool {
        try await self.pool.withTransaction { connection in
            try await connection.execute("SELECT pg_advisory_xact_lock(\(Self.roleLock))")
            let row = try await connection.query(
                """
                SELECT a.email, d.posts FROM accounts a JOIN account_deletions d ON d.account_id = a.id
                WHERE a.id = \(account) AND d.due_at <= \(now) FOR UPDATE OF a, d
                """
            ).first
            guard let (email, posts) = try row?.decode((String, String).self) else { return false }
            do {
                try await Self.requireAnotherAdministrator(besides: account, on: connection)
            } catch AccountError.conflict {
                self.logger.warning("account deletion postponed: the last active administrator", metadata: ["account": "\(account)"])
                return false
            }
            let kept = DeletedPosts(rawValue: posts) ?? .remove
            try await Forums.forget(account, posts: kept, on: connection)
            let shredded = try await Documents.forget(account, on: connection)
            try await connection.execute("DELETE FROM invitations WHERE email = \(email) OR account_id = \(account)")
            try await connection.execute("DELETE FROM mail_outbox WHERE recipient = \(email)")
            try await connection.execute("DELETE FROM auth_throttle WHERE key = \(self.throttle.accountKey(email: email))")
            try await connection.execute("DELETE FROM two_factor_resets WHERE requested_by = \(account)")
            try await connection.execute("UPDATE two_factor_resets SET approved_by = NULL WHERE approved_by = \(account)")
            try await connection.execute("DELETE FROM accounts WHERE id = \(account)")
            try await self.audit.record(
                AuditEvent(actor: nil, action: "account.deleted", target: "account:\(account)",
                           details: ["posts": kept.rawValue, "documents": String(shredded)]),
                on: connection
            )
            return true
        }
    }
}
