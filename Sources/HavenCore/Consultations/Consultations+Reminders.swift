import Foundation
import PostgresClient

extension Consultations {
    /// How long before a consultation closes its reminder goes out.
    public static let reminderNotice: TimeInterval = 3 * 86_400

    /// Reminds, once per consultation, the members of each invited organisation that has not
    /// submitted its contribution, when the consultation closes within `notice` of `now`
    /// (through the notifications system: in the app, and by mail for those who chose it).
    /// Returns the number of consultations reminded. Safe to run on several instances at once.
    public func sendReminders(now: Date = Date(), notice: TimeInterval = Consultations.reminderNotice) async throws -> Int {
        try await self.pool.withTransaction { connection in
            let due = try await connection.query(
                """
                SELECT id, closes_at FROM consultations
                WHERE reminded_at IS NULL AND opens_at <= \(now) AND closes_at > \(now) AND closes_at <= \(now.addingTimeInterval(notice))
                ORDER BY closes_at FOR UPDATE SKIP LOCKED
                """
            ).map { try $0.decode((UUID, Date).self) }
            for (id, closesAt) in due {
                let recipients = try await connection.query(
                    """
                    SELECT DISTINCT m.account_id FROM consultations c
                    JOIN organisations o ON o.status = 'active' AND (c.audience_all OR o.id = ANY(c.audience_organisations)
                        OR o.country = ANY(c.audience_countries) OR o.thematic_areas && c.audience_thematic_areas)
                    JOIN memberships m ON m.organisation_id = o.id
                    WHERE c.id = \(id) AND NOT EXISTS (
                        SELECT 1 FROM consultation_contributions k
                        WHERE k.consultation_id = c.id AND k.organisation_id = o.id AND k.submitted_at IS NOT NULL)
                    """
                ).map { try $0.decode(column: 0, as: UUID.self) }
                try await self.notifications.record(
                    Notice(.consultationReminder, to: recipients, about: .init(.consultation, id), details: ["closes_at": closesAt.formatted(.iso8601)]),
                    on: connection
                )
                try await connection.execute("UPDATE consultations SET reminded_at = \(now) WHERE id = \(id)")
                try await self.audit.record(
                    AuditEvent(actor: nil, action: "consultation.remind", target: "consultation:\(id)", details: ["recipients": String(recipients.count)]),
                    on: connection
                )
            }
            return due.count
        }
    }
}
