import Foundation
import PostgresClient

extension DataExports {
    /// One JSON file of the archive: its name and the query that writes it (one row, one text
    /// column). Every query names its columns: never a password hash, a second-factor secret, a
    /// token's hash or a recovery code, and nothing written by anybody else.
    struct Part: Sendable {
        let name: String
        let query: PostgresQuery
    }

    /// The JSON files of `account`'s export, in the order they are written.
    static func parts(of account: UUID) -> [Part] {
        let target = "account:\(account)"
        return [
            Part(
                name: "profile.json",
                query: """
                    SELECT jsonb_pretty(jsonb_build_object(
                        'id', a.id, 'email', a.email, 'display_name', a.display_name, 'role', a.role, 'status', a.status,
                        'language', a.language, 'directory_visible', a.directory_visible, 'digest', a.digest, 'digest_until', a.digest_until,
                        'two_factor_enabled', a.totp_enabled_at IS NOT NULL, 'two_factor_enabled_at', a.totp_enabled_at,
                        'recovery_codes_unused', (SELECT count(*) FROM recovery_codes r WHERE r.account_id = a.id AND r.used_at IS NULL),
                        'password_changed_at', a.password_changed_at, 'created_at', a.created_at, 'updated_at', a.updated_at))
                    FROM accounts a WHERE a.id = \(account)
                    """
            ),
            Part(
                name: "organisations.json",
                query: """
                    SELECT coalesce(jsonb_pretty(jsonb_agg(to_jsonb(x))), '[]') FROM (
                        SELECT o.id, o.names, o.country, o.kind, o.status, m.role AS your_role, m.created_at AS member_since,
                               o.created_by IS NOT DISTINCT FROM \(account) AS proposed_by_you
                        FROM memberships m JOIN organisations o ON o.id = m.organisation_id
                        WHERE m.account_id = \(account) ORDER BY m.created_at, o.id) x
                    """
            ),
            Part(
                name: "groups.json",
                query: """
                    SELECT coalesce(jsonb_pretty(jsonb_agg(to_jsonb(x))), '[]') FROM (
                        SELECT g.id, g.name, g.description FROM group_members m JOIN groups g ON g.id = m.group_id
                        WHERE m.account_id = \(account) ORDER BY g.name) x
                    """
            ),
            Part(
                name: "sessions.json",
                query: """
                    SELECT coalesce(jsonb_pretty(jsonb_agg(to_jsonb(x))), '[]') FROM (
                        SELECT id, created_at, last_used_at, authenticated_at, expires_at, revoked_at, user_agent, address_prefix
                        FROM sessions WHERE account_id = \(account) ORDER BY created_at, id) x
                    """
            ),
            Part(
                name: "api_tokens.json",
                query: """
                    SELECT coalesce(jsonb_pretty(jsonb_agg(to_jsonb(x))), '[]') FROM (
                        SELECT id, name, scopes, created_at, expires_at, last_used_at, revoked_at
                        FROM api_tokens WHERE account_id = \(account) ORDER BY created_at, id) x
                    """
            ),
            // forum_posts_author. The topic's title only where the member may still read it: their
            // own topic, or a published one.
            Part(
                name: "posts.json",
                query: """
                    SELECT coalesce(jsonb_pretty(jsonb_agg(to_jsonb(x))), '[]') FROM (
                        SELECT p.id, p.topic_id,
                               CASE WHEN t.author_id = \(account) OR t.state = 'published' THEN t.title END AS topic_title,
                               p.category_id, p.reply_to, p.is_first AS starts_topic, p.language, p.source, p.state, p.moderation_reason,
                               p.moderated_at, p.version, p.created_at, p.edited_at,
                               coalesce((SELECT jsonb_agg(jsonb_build_object(
                                             'version', r.version, 'source', r.source, 'written_at', r.written_at,
                                             'written_by_you', r.written_by IS NOT DISTINCT FROM \(account)) ORDER BY r.version)
                                         FROM forum_post_revisions r WHERE r.post_id = p.id), '[]'::jsonb) AS revisions
                        FROM forum_posts p JOIN forum_topics t ON t.id = p.topic_id
                        WHERE p.author_id = \(account) ORDER BY p.seq) x
                    """
            ),
            // The names the member posts and uploads under in pseudonymous categories (theirs alone).
            Part(
                name: "pseudonyms.json",
                query: """
                    SELECT coalesce(jsonb_pretty(jsonb_agg(to_jsonb(x))), '[]') FROM (
                        SELECT 'topic' AS kind, topic_id AS id, pseudonym, created_at FROM forum_pseudonyms WHERE account_id = \(account)
                        UNION ALL
                        SELECT 'document', document_id, pseudonym, created_at FROM document_pseudonyms WHERE account_id = \(account)
                        ORDER BY created_at, id) x
                    """
            ),
            Part(
                name: "reactions.json",
                query: """
                    SELECT coalesce(jsonb_pretty(jsonb_agg(to_jsonb(x))), '[]') FROM (
                        SELECT post_id, kind, created_at FROM forum_reactions WHERE account_id = \(account) ORDER BY created_at, post_id, kind) x
                    """
            ),
            Part(
                name: "bookmarks.json",
                query: """
                    SELECT coalesce(jsonb_pretty(jsonb_agg(to_jsonb(x))), '[]') FROM (
                        SELECT post_id, created_at FROM forum_bookmarks WHERE account_id = \(account) ORDER BY seq) x
                    """
            ),
            Part(
                name: "flags.json",
                query: """
                    SELECT coalesce(jsonb_pretty(jsonb_agg(to_jsonb(x))), '[]') FROM (
                        SELECT id, post_id, reason, note, created_at, resolution, resolution_note, resolved_at
                        FROM forum_flags WHERE flagged_by = \(account) ORDER BY seq) x
                    """
            ),
            Part(
                name: "follows.json",
                query: """
                    SELECT coalesce(jsonb_pretty(jsonb_agg(to_jsonb(x))), '[]') FROM (
                        SELECT f.category_id, c.slug, c.names, f.created_at
                        FROM category_follows f JOIN forum_categories c ON c.id = f.category_id
                        WHERE f.account_id = \(account) ORDER BY f.created_at, c.slug) x
                    """
            ),
            Part(
                name: "reads.json",
                query: """
                    SELECT coalesce(jsonb_pretty(jsonb_agg(to_jsonb(x))), '[]') FROM (
                        SELECT topic_id, last_read_seq, read_at FROM forum_reads WHERE account_id = \(account) ORDER BY read_at, topic_id) x
                    """
            ),
            // document_versions_uploader. Each version listed is in the archive under `file`.
            Part(
                name: "documents.json",
                query: """
                    SELECT coalesce(jsonb_pretty(jsonb_agg(to_jsonb(x))), '[]') FROM (
                        SELECT d.id, d.space_kind AS space, d.space_id, d.titles, d.descriptions, d.language, d.thematic_areas,
                               d.organisation_id, d.licence, d.tags, d.uploader_id IS NOT DISTINCT FROM \(account) AS created_by_you,
                               d.created_at, d.deleted_at,
                               coalesce((SELECT jsonb_agg(jsonb_build_object(
                                             'version', v.version, 'state', v.state, 'filename', v.filename, 'type', v.type,
                                             'media_type', v.media_type, 'size', v.size, 'sha256', encode(v.sha256, 'hex'),
                                             'uploaded_at', v.created_at, 'decided_at', v.decided_at, 'reason', v.reason,
                                             'file', 'documents/' || v.document_id || '/' || v.version || '/' || v.filename) ORDER BY v.version)
                                         FROM document_versions v WHERE v.document_id = d.id AND v.uploaded_by = \(account)), '[]'::jsonb) AS versions_you_uploaded
                        FROM documents d
                        WHERE d.uploader_id = \(account)
                           OR d.id IN (SELECT document_id FROM document_versions WHERE uploaded_by = \(account))
                        ORDER BY d.created_at, d.id) x
                    """
            ),
            Part(
                name: "notifications.json",
                query: """
                    SELECT coalesce(jsonb_pretty(jsonb_agg(to_jsonb(x))), '[]') FROM (
                        SELECT id, kind, subject_kind, subject_id, details, created_at, read_at
                        FROM notifications WHERE account_id = \(account) ORDER BY id) x
                    """
            ),
            Part(
                name: "consultation_contributions.json",
                query: """
                    SELECT coalesce(jsonb_pretty(jsonb_agg(to_jsonb(x))), '[]') FROM (
                        SELECT k.consultation_id, c.titles AS consultation_titles, k.organisation_id, k.answers, k.updated_at,
                               k.updated_by IS NOT DISTINCT FROM \(account) AS last_edited_by_you, k.submitted_at,
                               k.submitted_by IS NOT DISTINCT FROM \(account) AS submitted_by_you, k.publication,
                               coalesce((SELECT jsonb_agg(jsonb_build_object('document_id', d.document_id, 'version', d.version, 'added_at', d.added_at)
                                                          ORDER BY d.added_at, d.document_id)
                                         FROM contribution_documents d
                                         WHERE d.consultation_id = k.consultation_id AND d.organisation_id = k.organisation_id
                                           AND d.added_by = \(account)), '[]'::jsonb) AS documents_you_attached
                        FROM consultation_contributions k JOIN consultations c ON c.id = k.consultation_id
                        WHERE k.updated_by = \(account) OR k.submitted_by = \(account)
                           OR EXISTS (SELECT 1 FROM contribution_documents d WHERE d.consultation_id = k.consultation_id
                                      AND d.organisation_id = k.organisation_id AND d.added_by = \(account))
                        ORDER BY k.updated_at, k.consultation_id) x
                    """
            ),
            Part(
                name: "event_registrations.json",
                query: """
                    SELECT coalesce(jsonb_pretty(jsonb_agg(to_jsonb(x))), '[]') FROM (
                        SELECT r.id, r.event_id, e.titles AS event_titles, e.starts_at, e.ends_at, e.time_zone, r.organisation_id, r.status,
                               r.answers, r.registered_by IS NOT DISTINCT FROM \(account) AS registered_by_you, r.created_at, r.updated_at
                        FROM event_registrations r JOIN events e ON e.id = r.event_id
                        WHERE r.account_id = \(account) ORDER BY r.created_at, r.id) x
                    """
            ),
            // audit_log_actor for the member's own actions; rows about them (target) are found by a
            // scan, acceptable for a background job. Another actor is not named, nor their address.
            Part(
                name: "audit.json",
                query: """
                    SELECT coalesce(jsonb_pretty(jsonb_agg(to_jsonb(x))), '[]') FROM (
                        SELECT a.id, a.occurred_at, a.action, a.target, a.outcome,
                               CASE WHEN a.actor_id = \(account) THEN 'you' WHEN a.actor_id IS NULL THEN 'nobody signed in, or the system'
                                    ELSE 'another account' END AS actor,
                               CASE WHEN a.actor_id = \(account) THEN a.address_prefix ELSE '' END AS address_prefix, a.details
                        FROM audit_log a WHERE a.actor_id = \(account) OR a.target = \(target) ORDER BY a.position) x
                    """
            ),
        ]
    }

    /// How the member receives each kind of notification (the default where they have not chosen).
    func preferencesJSON(of account: UUID) async throws -> String {
        var preferences = Dictionary(uniqueKeysWithValues: NotificationKind.allCases.map { ($0.rawValue, $0.defaultDelivery.rawValue) })
        for row in try await self.pool.query("SELECT kind, delivery FROM notification_preferences WHERE account_id = \(account)") {
            let (kind, delivery) = try row.decode((String, String).self)
            if NotificationKind(rawValue: kind) != nil { preferences[kind] = delivery }
        }
        let data = try JSONSerialization.data(withJSONObject: ["notifications": preferences], options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self)
    }

    /// The document versions the member uploaded, whose bytes go into the archive.
    func uploadedVersions(of account: UUID) async throws -> [(document: UUID, version: Int, filename: String)] {
        // document_versions_uploader
        try await self.pool.query(
            "SELECT document_id, version, filename FROM document_versions WHERE uploaded_by = \(account) ORDER BY created_at, document_id, version"
        ).map { row in
            let (document, version, filename) = try row.decode((UUID, Int32, String).self)
            return (document, Int(version), filename)
        }
    }
}
