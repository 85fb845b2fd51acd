import Foundation
import PostgresClient

extension Forums {
    /// The categories `actor` may see, as a tree ordered by position.
    public func categories(for actor: Actor) async throws -> [ForumCategory] {
        let stored = try await self.storedCategories()
        let administrator = Access.decide(actor, .manageCategories) == .allow
        func view(_ category: StoredCategory, children: [ForumCategory]) -> ForumCategory {
            ForumCategory(
                id: category.id, parentId: category.parentId, slug: category.slug, names: category.names,
                descriptions: category.descriptions, position: category.position, pseudonymous: category.pseudonymous,
                canPost: Access.decide(actor, .postInCategory(category.effective)) == .allow,
                rules: administrator ? category.rules : nil, children: children
            )
        }
        let visible = stored.filter { Access.decide(actor, .readCategory($0.effective)) == .allow }
        return visible.filter { $0.parentId == nil }.map { parent in
            view(parent, children: visible.filter { $0.parentId == parent.id }.map { view($0, children: []) })
        }
    }

    /// Creates a category (administrators).
    public func createCategory(_ draft: CategoryDraft, by actor: Actor) async throws -> ForumCategory {
        try Access.require(actor, .manageCategories)
        let draft = try draft.validated()
        let id = try await self.writeCategory {
            try await self.pool.query(
                """
                INSERT INTO forum_categories (slug, parent_id, names, descriptions, position, visibility, visible_groups,
                    visible_organisations, posting, posting_groups, premoderated, pseudonymous)
                VALUES (\(draft.slug), \(draft.parentId), \(Self.json(draft.names))::jsonb, \(Self.json(draft.descriptions))::jsonb,
                    \(draft.position), \(draft.rules.visibility.rawValue), \(draft.rules.visibleGroups), \(draft.rules.visibleOrganisations),
                    \(draft.rules.posting.rawValue), \(draft.rules.postingGroups), \(draft.rules.premoderated), \(draft.pseudonymous ?? false))
                RETURNING id
                """
            ).first?.decode(column: 0, as: UUID.self)
        }
        try await self.audit.record(AuditEvent(actor: actor.accountID, action: "forum.category-create", target: "category:\(id)"))
        return try await self.category(id, for: actor)
    }

    /// Replaces a category's settings (administrators).
    public func updateCategory(_ id: UUID, with draft: CategoryDraft, by actor: Actor) async throws -> ForumCategory {
        try Access.require(actor, .manageCategories)
        let draft = try draft.validated()
        _ = try await self.writeCategory {
            try await self.pool.withTransaction { connection -> UUID? in
                // Locked first: a topic being started here holds the row FOR SHARE (see createTopic),
                // so the emptiness seen below is still true at commit.
                // Deleted documents count too (they keep their uploader until purged); a rare change, so no index.
                let current = try await connection.query(
                    """
                    SELECT pseudonymous, EXISTS (SELECT 1 FROM forum_topics WHERE category_id = \(id))
                        OR EXISTS (SELECT 1 FROM documents WHERE space_kind = 'category' AND space_id = \(id))
                    FROM forum_categories WHERE id = \(id) FOR UPDATE
                    """
                ).first?.decode((Bool, Bool).self)
                guard let (pseudonymous, inUse) = current else { return nil }
                if let wanted = draft.pseudonymous, wanted != pseudonymous, inUse {
                    throw AccountError.conflict(
                        "A category becomes pseudonymous, or stops being so, only while it holds no topics and no documents: what was written under one rule is never shown under the other."
                    )
                }
                let id = try await connection.query(
                    """
                    UPDATE forum_categories SET slug = \(draft.slug), parent_id = \(draft.parentId), names = \(Self.json(draft.names))::jsonb,
                        descriptions = \(Self.json(draft.descriptions))::jsonb, position = \(draft.position),
                        visibility = \(draft.rules.visibility.rawValue), visible_groups = \(draft.rules.visibleGroups),
                        visible_organisations = \(draft.rules.visibleOrganisations), posting = \(draft.rules.posting.rawValue),
                        posting_groups = \(draft.rules.postingGroups), premoderated = \(draft.rules.premoderated),
                        pseudonymous = \(draft.pseudonymous ?? pseudonymous)
                    WHERE id = \(id) RETURNING id
                    """
                ).first?.decode(column: 0, as: UUID.self)
                if let id, let wanted = draft.pseudonymous, wanted != pseudonymous {
                    try await self.audit.record(
                        AuditEvent(actor: actor.accountID, action: "forum.category-pseudonymous", target: "category:\(id)", details: ["pseudonymous": String(wanted)]),
                        on: connection
                    )
                }
                return id
            }
        }
        try await self.audit.record(AuditEvent(actor: actor.accountID, action: "forum.category-update", target: "category:\(id)"))
        return try await self.category(id, for: actor)
    }

    /// One category as `actor` sees it (not found when hidden).
    func category(_ id: UUID, for actor: Actor) async throws -> ForumCategory {
        let all = try await self.categories(for: actor)
        guard let found = (all + all.flatMap(\.children)).first(where: { $0.id == id }) else { throw AccountError.notFound }
        return found
    }

    /// Runs a category write, turning constraint violations into clear input errors.
    private func writeCategory(_ write: () async throws -> UUID?) async throws -> UUID {
        do {
            guard let id = try await write() else { throw AccountError.notFound }
            return id
        } catch let error as PostgresError where error.sqlState == .uniqueViolation {
            throw AccountError.invalidInput("Another category has this slug.")
        } catch let error as PostgresError where error.sqlState == .foreignKeyViolation {
            throw AccountError.invalidInput("The parent category does not exist.")
        } catch let error as PostgresError where error.sqlState == .checkViolation {
            throw AccountError.invalidInput("Categories have two levels: a subcategory cannot have subcategories.")
        }
    }
}

extension CategoryDraft {
    /// Checked, names trimmed: a slug of lower-case words joined by hyphens, 1–6 names of at most
    /// 100 characters, descriptions of at most 1,000, groups only for restricted rules.
    func validated() throws(AccountError) -> CategoryDraft {
        var draft = self
        guard self.slug.count <= 60, self.slug.wholeMatch(of: /[a-z0-9]+(-[a-z0-9]+)*/) != nil else {
            throw .invalidInput("A slug is lower-case letters and digits in words joined by hyphens, at most 60 characters.")
        }
        draft.names = self.names.compactMapValues { $0.trimmed(fitting: 1...100) }
        guard !draft.names.isEmpty, draft.names.count == self.names.count, draft.names.count <= 10, draft.names.keys.allSatisfy(Language.isTag),
            self.descriptions.count <= 10, self.descriptions.allSatisfy({ Language.isTag($0.key) && $0.value.codePoints <= 1000 })
        else {
            throw .invalidInput("Give names (1–100 characters) and descriptions (up to 1,000) keyed by language tags such as \"en\" or \"ar\".")
        }
        guard (-10_000...10_000).contains(self.position) else { throw .invalidInput("The position is between -10000 and 10000.") }
        let rules = self.rules
        if rules.visibility != .restricted, !(rules.visibleGroups.isEmpty && rules.visibleOrganisations.isEmpty) {
            throw .invalidInput("Visible groups and organisations apply to restricted categories only.")
        }
        if rules.posting != .restricted, !rules.postingGroups.isEmpty {
            throw .invalidInput("Posting groups apply to restricted posting only.")
        }
        guard rules.visibleGroups.count <= 100, rules.visibleOrganisations.count <= 1000, rules.postingGroups.count <= 100 else {
            throw .invalidInput("Too many groups or organisations.")
        }
        return draft
    }
}
