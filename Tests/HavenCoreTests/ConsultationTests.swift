import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// Consultations against a real PostgreSQL: who sees them, who drafts and submits, what the
/// deadline and submission freeze, and what staff read.
@Suite struct ConsultationTests {
    /// An account of `role`, acting as a member (or admin) of `memberships`.
    static func actor(_ role: Role, _ memberships: [UUID: OrganisationRole] = [:], on pool: PostgresPool) async throws -> Actor {
        let email = "\(UUID().uuidString.lowercased().prefix(8))@haven.test"
        let id = try #require(
            try await pool.query("INSERT INTO accounts (email, role, status) VALUES (\(email), \(role.rawValue), 'active') RETURNING id")
                .first?.decode(column: 0, as: UUID.self)
        )
        for (organisation, role) in memberships {
            try await pool.execute("INSERT INTO memberships (organisation_id, account_id, role) VALUES (\(organisation), \(id), \(role.rawValue))")
        }
        return Actor(
            accountID: id, email: email, displayName: nil, role: role, twoFactorEnabled: true,
            credential: .session(id: UUID(), authenticatedAt: Date()), memberships: memberships
        )
    }

    static func consultations(_ pool: PostgresPool) -> Consultations {
        let forums = Forums(pool: pool)
        return Consultations(pool: pool, documents: Documents(pool: pool, keys: TestServices.documentKeys, forums: forums), notifications: forums.notifications)
    }

    static func organisation(country: String, areas: [String] = [], status: String = "active", on pool: PostgresPool) async throws -> UUID {
        try #require(
            try await pool.query(
                """
                INSERT INTO organisations (names, country, kind, thematic_areas, status)
                VALUES ('{"en": "Org"}'::jsonb, \(country), 'other', \(areas), \(status)) RETURNING id
                """
            ).first?.decode(column: 0, as: UUID.self)
        )
    }

    static func draft(audience: ConsultationAudience, opens: TimeInterval = -60, closes: TimeInterval = 86_400) -> ConsultationDraft {
        ConsultationDraft(
            titles: ["en": "Review of the Global Counter-Terrorism Strategy", "fr": "Examen de la Stratégie"],
            descriptions: ["en": "Your inputs to the eighth review."],
            questions: [
                ConsultationQuestion(id: "", prompts: ["en": "What works in your community?"]),
                ConsultationQuestion(id: "", prompts: ["en": "Is civic space shrinking?"], choices: ["yes", "no", "unsure"]),
            ],
            audience: audience, opensAt: Date().addingTimeInterval(opens), closesAt: Date().addingTimeInterval(closes)
        )
    }

    @Test func theAudienceAloneSeesTheConsultationAndEachOrganisationOnlyItsOwnDraft() async throws {
        try await TestDatabase.with { database in
            let pool = database.pool
            let consultations = Self.consultations(pool)
            let kenya = try await Self.organisation(country: "KE", on: pool)
            let victims = try await Self.organisation(country: "FR", areas: ["victims-of-terrorism"], on: pool)
            let outside = try await Self.organisation(country: "BR", on: pool)
            let staff = try await Self.actor(.administrator, on: pool)
            let kenyaAdmin = try await Self.actor(.member, [kenya: .admin], on: pool)
            let kenyaMember = try await Self.actor(.member, [kenya: .member], on: pool)
            let victimsMember = try await Self.actor(.member, [victims: .member], on: pool)
            let outsider = try await Self.actor(.member, [outside: .admin], on: pool)
            let moderator = try await Self.actor(.moderator, on: pool)

            let consultation = try await consultations.create(
                Self.draft(audience: ConsultationAudience(countries: ["KE"], thematicAreas: [.victimsOfTerrorism])), by: staff
            )
            #expect(consultation.questions.map(\.id) == ["q1", "q2"])
            // Staff and the two invited organisations see it; an organisation outside does not.
            for actor in [staff, kenyaMember, victimsMember] {
                #expect(try await consultations.list(by: actor).map(\.id) == [consultation.id])
                #expect(try await consultations.read(consultation.id, by: actor).id == consultation.id)
            }
            for actor in [outsider, moderator] {
                #expect(try await consultations.list(by: actor).isEmpty)
                await #expect(throws: AccountError.notFound) { try await consultations.read(consultation.id, by: actor) }
            }
            // Only staff open consultations.
            await #expect(throws: AccountError.forbidden) {
                try await consultations.create(Self.draft(audience: ConsultationAudience(all: true)), by: kenyaAdmin)
            }

            // Kenya's members draft; the French organisation cannot read Kenya's draft, nor can an outsider.
            let saved = try await consultations.saveAnswers(["q1": "Mothers' circles", "q2": "yes"], to: consultation.id, of: kenya, by: kenyaMember)
            #expect(saved.answers == ["q1": "Mothers' circles", "q2": "yes"] && saved.submittedAt == nil)
            #expect(try await consultations.contribution(to: consultation.id, of: kenya, by: kenyaAdmin).answers["q1"] == "Mothers' circles")
            for actor in [victimsMember, outsider] {
                await #expect(throws: AccountError.notFound) { try await consultations.contribution(to: consultation.id, of: kenya, by: actor) }
                await #expect(throws: AccountError.notFound) {
                    try await consultations.saveAnswers(["q1": "x"], to: consultation.id, of: kenya, by: actor)
                }
            }
            // An organisation outside the audience cannot contribute for itself either.
            await #expect(throws: AccountError.notFound) {
                try await consultations.saveAnswers(["q1": "x"], to: consultation.id, of: outside, by: outsider)
            }
            // Drafts are the organisation's: staff read submitted contributions only.
            #expect(try await consultations.submittedContributions(to: consultation.id, by: staff).isEmpty)
            await #expect(throws: AccountError.forbidden) { try await consultations.submittedContributions(to: consultation.id, by: kenyaAdmin) }
        }
    }

    @Test func submissionFreezesTheContributionAndPublicationNeedsTheOrganisationsConsent() async throws {
        try await TestDatabase.with { database in
            let pool = database.pool
            let consultations = Self.consultations(pool)
            let kenya = try await Self.organisation(country: "KE", on: pool)
            let staff = try await Self.actor(.administrator, on: pool)
            let admin = try await Self.actor(.member, [kenya: .admin], on: pool)
            let member = try await Self.actor(.member, [kenya: .member], on: pool)
            let consultation = try await consultations.create(Self.draft(audience: ConsultationAudience(organisations: [kenya])), by: staff)
            _ = try await consultations.saveAnswers(["q1": "Our answer"], to: consultation.id, of: kenya, by: member)

            // Publication before submission is impossible; a member cannot submit or consent.
            await #expect(throws: ConsultationError.notSubmitted) {
                try await consultations.setPublication(.named, of: consultation.id, by: kenya, actor: admin)
            }
            await #expect(throws: AccountError.forbidden) { try await consultations.submit(consultation.id, of: kenya, by: member) }
            let submitted = try await consultations.submit(consultation.id, of: kenya, by: admin)
            #expect(submitted.submittedAt != nil && submitted.publication == .none)
            // Submitted: no more changes, and no second submission.
            await #expect(throws: ConsultationError.alreadySubmitted) {
                try await consultations.saveAnswers(["q1": "Changed"], to: consultation.id, of: kenya, by: member)
            }
            await #expect(throws: ConsultationError.alreadySubmitted) { try await consultations.submit(consultation.id, of: kenya, by: admin) }
            await #expect(throws: AccountError.forbidden) {
                try await consultations.setPublication(.named, of: consultation.id, by: kenya, actor: member)
            }
            // Staff cannot consent for the organisation: it is not theirs.
            await #expect(throws: AccountError.notFound) {
                try await consultations.setPublication(.named, of: consultation.id, by: kenya, actor: staff)
            }
            #expect(try await consultations.setPublication(.anonymous, of: consultation.id, by: kenya, actor: admin).publication == .anonymous)

            let contributions = try await consultations.submittedContributions(to: consultation.id, by: staff)
            #expect(contributions.map(\.organisationID) == [kenya])
            #expect(contributions.first?.answers == ["q1": "Our answer"])
            #expect(contributions.first?.publication == .anonymous)
            // Everything is in the audit log.
            let actions = try await pool.query("SELECT action FROM audit_log WHERE target = \("consultation:\(consultation.id)") ORDER BY position")
                .map { try $0.decode(column: 0, as: String.self) }
            #expect(actions == [
                "consultation.create", "consultation.contribution.save", "consultation.contribution.submit",
                "consultation.contribution.publication",
            ])
        }
    }

    @Test func theDeadlineClosesDraftsAndAnUnopenedConsultationIsHidden() async throws {
        try await TestDatabase.with { database in
            let pool = database.pool
            let consultations = Self.consultations(pool)
            let kenya = try await Self.organisation(country: "KE", on: pool)
            let staff = try await Self.actor(.administrator, on: pool)
            let admin = try await Self.actor(.member, [kenya: .admin], on: pool)
            let later = try await consultations.create(Self.draft(audience: ConsultationAudience(all: true), opens: 3_600, closes: 7_200), by: staff)
            // Not yet open: its audience does not see it; staff do.
            await #expect(throws: AccountError.notFound) { try await consultations.read(later.id, by: admin) }
            #expect(try await consultations.read(later.id, by: staff).id == later.id)

            let open = try await consultations.create(Self.draft(audience: ConsultationAudience(all: true)), by: staff)
            _ = try await consultations.saveAnswers(["q1": "Draft"], to: open.id, of: kenya, by: admin)
            try await pool.execute("UPDATE consultations SET opens_at = now() - interval '2 days', closes_at = now() - interval '1 second' WHERE id = \(open.id)")
            await #expect(throws: ConsultationError.closed) { try await consultations.saveAnswers(["q1": "Late"], to: open.id, of: kenya, by: admin) }
            await #expect(throws: ConsultationError.closed) { try await consultations.submit(open.id, of: kenya, by: admin) }
            // The draft stays as it was, and unsubmitted drafts are not staff's.
            #expect(try await consultations.contribution(to: open.id, of: kenya, by: admin).answers == ["q1": "Draft"])
            #expect(try await consultations.submittedContributions(to: open.id, by: staff).isEmpty)
        }
    }

    @Test func badInputIsRefusedNamingWhatIsWrong() async throws {
        try await TestDatabase.with { database in
            let pool = database.pool
            let consultations = Self.consultations(pool)
            let kenya = try await Self.organisation(country: "KE", on: pool)
            let pending = try await Self.organisation(country: "UG", status: "pending", on: pool)
            let staff = try await Self.actor(.administrator, on: pool)
            let member = try await Self.actor(.member, [kenya: .member], on: pool)

            var backwards = Self.draft(audience: ConsultationAudience(all: true))
            backwards.closesAt = backwards.opensAt.addingTimeInterval(-1)
            await #expect(throws: ConsultationError.invalid(field: "closes_at", "must be after opens_at")) {
                try await consultations.create(backwards, by: staff)
            }
            // Nobody chosen, or only organisations that are not active, or a country with none.
            for audience in [ConsultationAudience(), ConsultationAudience(organisations: [pending]), ConsultationAudience(countries: ["NZ"])] {
                await #expect(throws: ConsultationError.self) { try await consultations.create(Self.draft(audience: audience), by: staff) }
            }
            await #expect(throws: ConsultationError.emptyAudience) {
                try await consultations.create(Self.draft(audience: ConsultationAudience(countries: ["NZ"])), by: staff)
            }
            var untitled = Self.draft(audience: ConsultationAudience(all: true))
            untitled.titles = ["en": "  "]
            await #expect(throws: ConsultationError.invalid(field: "titles", "give it in at least one language")) {
                try await consultations.create(untitled, by: staff)
            }
            var klingon = Self.draft(audience: ConsultationAudience(all: true))
            klingon.titles = ["tlh": "Qapla'"]
            await #expect(throws: ConsultationError.self) { try await consultations.create(klingon, by: staff) }

            let consultation = try await consultations.create(Self.draft(audience: ConsultationAudience(all: true)), by: staff)
            await #expect(throws: ConsultationError.unknownQuestion("q9")) {
                try await consultations.saveAnswers(["q9": "?"], to: consultation.id, of: kenya, by: member)
            }
            await #expect(throws: ConsultationError.invalid(field: "answers.q2", "one of the question's choices")) {
                try await consultations.saveAnswers(["q2": "maybe"], to: consultation.id, of: kenya, by: member)
            }
            let huge = String(repeating: "a", count: 10 * 1_024 * 1_024)
            await #expect(throws: ConsultationError.invalid(field: "answers.q1", "at most 20000 characters")) {
                try await consultations.saveAnswers(["q1": huge], to: consultation.id, of: kenya, by: member)
            }
            #expect(try await consultations.contribution(to: consultation.id, of: kenya, by: member).answers.isEmpty)
        }
    }
}
