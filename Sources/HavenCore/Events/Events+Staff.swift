import Foundation
import PostgresClient

extension Events {
    /// Everyone registered or waiting (staff): those with a place first, each group in order of
    /// arrival. Who comes is personal data, so the reading is audited.
    public func participants(of id: UUID, by actor: Actor) async throws -> [Participant] {
        try Access.require(actor, .manageEvents)
        let participants = try await self.participantRows(of: id, by: actor)
        try await self.audit.record(
            AuditEvent(actor: actor.accountID, action: "event.participants.list", target: "event:\(id)", details: ["rows": String(participants.count)])
        )
        return participants
    }

    /// The participant list, unaudited (callers audit what they do with it).
    func participantRows(of id: UUID, by actor: Actor) async throws -> [Participant] {
        try Access.require(actor, .manageEvents)
        _ = try await self.visible(id, by: actor)
        // The line index (event_id, status, position) serves this.
        let rows = try await self.pool.query(
            """
            SELECT \(fragment: Self.registrationColumns), a.display_name, a.email,
                   (SELECT coalesce(o.names->>'en', (SELECT value FROM jsonb_each_text(o.names) ORDER BY key LIMIT 1))
                    FROM organisations o WHERE o.id = r.organisation_id)
            FROM event_registrations r JOIN accounts a ON a.id = r.account_id
            WHERE r.event_id = \(id) AND r.status <> 'cancelled'
            ORDER BY r.status = 'waiting', r.position
            """
        )
        return try rows.map { row in
            Participant(
                registration: try Self.registration(from: row), displayName: try row.decode(column: 9, as: String?.self),
                email: try row.decode(column: 10, as: String.self), organisationName: try row.decode(column: 11, as: String?.self)
            )
        }
    }

    /// The participants with a place as CSV (staff), with their answers; the export is audited.
    /// Cells a spreadsheet would run as a formula are neutralised.
    public func exportParticipants(of id: UUID, by actor: Actor) async throws -> String {
        try Access.require(actor, .manageEvents)
        let event = try await self.read(id, by: actor)
        let participants = try await self.participantRows(of: id, by: actor).filter(\.registration.status.hasPlace)
        try await self.audit.record(
            AuditEvent(actor: actor.accountID, action: "event.participants.export", target: "event:\(id)", details: ["rows": String(participants.count)])
        )
        var csv = CSV.byteOrderMark + CSV.line(["registration_id", "status", "name", "email", "organisation", "registered_at"] + event.questions.map(\.id))
        for participant in participants {
            let registration = participant.registration
            csv += CSV.line(
                [
                    registration.id.uuidString, registration.status.rawValue, participant.displayName ?? "", participant.email,
                    participant.organisationName ?? "", registration.createdAt.formatted(.iso8601),
                ] + event.questions.map { registration.answers[$0.id] ?? "" }
            )
        }
        return csv
    }

    /// Sends the participants with a place a message through their notifications (staff).
    /// Returns how many it was addressed to; the audit log keeps the count, not the text.
    public func message(_ text: String, to id: UUID, by actor: Actor) async throws -> Int {
        try Access.require(actor, .manageEvents)
        guard let text = text.trimmed(fitting: 1...Self.messageLimit) else {
            throw EventError.invalid(field: "message", "1 to \(Self.messageLimit) characters")
        }
        _ = try await self.visible(id, by: actor)
        return try await self.pool.withTransaction { connection in
            let recipients = try await connection.query(
                "SELECT account_id FROM event_registrations WHERE event_id = \(id) AND status IN ('registered', 'confirmed')"
            ).map { try $0.decode(column: 0, as: UUID.self) }
            try await self.notifications.record(
                Notice(.eventMessage, to: recipients, about: .init(.event, id), details: ["message": text]), on: connection
            )
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "event.message", target: "event:\(id)", details: ["recipients": String(recipients.count)]),
                on: connection
            )
            return recipients.count
        }
    }

    /// Attaches a document the staff member can read as the event's material (staff); attaching
    /// it again changes nothing. Who may open it is still decided by the document's own space.
    public func attachMaterial(_ document: UUID, to id: UUID, by actor: Actor) async throws -> Event {
        try Access.require(actor, .manageEvents)
        _ = try await self.visible(id, by: actor)
        do {
            _ = try await self.documents.document(document, for: actor)
        } catch AccountError.notFound {
            throw EventError.invalid(field: "document_id", "no document you can read has this id")
        }
        try await self.pool.withTransaction { connection in
            let added = try await connection.execute(
                """
                INSERT INTO event_materials (event_id, document_id, attached_by) VALUES (\(id), \(document), \(actor.accountID))
                ON CONFLICT DO NOTHING
                """
            )
            if added == 1 {
                try await self.audit.record(
                    AuditEvent(actor: actor.accountID, action: "event.material.attach", target: "event:\(id)", details: ["document": document.uuidString]),
                    on: connection
                )
            }
        }
        return try await self.read(id, by: actor)
    }

    /// Replaces the event's report, by language (staff); an empty one removes it.
    public func setReport(_ report: [String: String], of id: UUID, by actor: Actor) async throws -> Event {
        try Access.require(actor, .manageEvents)
        let report = try EventError.form { () throws(Form.Failure) in try Form.texts(report, "report", limit: 20_000, required: false) }
        _ = try await self.visible(id, by: actor)
        try await self.pool.withTransaction { connection in
            try await connection.execute("UPDATE events SET report = \(try Self.json(report))::jsonb WHERE id = \(id)")
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "event.report", target: "event:\(id)", details: ["languages": report.keys.sorted().joined(separator: ",")]),
                on: connection
            )
        }
        return try await self.read(id, by: actor)
    }

    /// Opens the event's discussion topic in a category, as the staff member, and links it to the
    /// event; once only.
    public func openFollowUp(
        of id: UUID, in category: UUID, title: String, body: String, language: String, by actor: Actor
    ) async throws -> Event {
        try Access.require(actor, .manageEvents)
        let stored = try await self.visible(id, by: actor)
        guard stored.event.followUpTopicID == nil else { throw EventError.followUpOpened }
        let topic: UUID
        do {
            topic = try await self.forums.createTopic(in: category, title: title, body: body, language: language, by: actor).topic.id
        } catch AccountError.notFound {
            // The event exists (the staff member just read it): what is missing is the category.
            throw EventError.invalid(field: "category_id", "no category you can post in has this id")
        }
        try await self.pool.withTransaction { connection in
            let linked = try await connection.execute(
                "UPDATE events SET follow_up_topic_id = \(topic) WHERE id = \(id) AND follow_up_topic_id IS NULL"
            )
            // Another staff member was quicker: the topic just opened stays, unlinked, for moderators to merge.
            guard linked == 1 else { throw EventError.followUpOpened }
            try await self.audit.record(
                AuditEvent(
                    actor: actor.accountID, action: "event.follow-up", target: "event:\(id)",
                    details: ["topic": topic.uuidString, "category": category.uuidString]
                ),
                on: connection
            )
        }
        return try await self.read(id, by: actor)
    }
}
