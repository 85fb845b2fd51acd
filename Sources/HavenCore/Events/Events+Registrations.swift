import Foundation
import PostgresClient

extension Events {
    /// Registers `account` (the actor by default) for the event: a place while there is one, the
    /// waiting list after. A member registers themself; an organisation's admin may register its
    /// members for it. The decision is taken under a lock on the event's row, so concurrent
    /// registrations never overfill it and the waiting list keeps their order.
    /// - Parameters:
    ///   - organisation: the organisation the participant comes for (required to register a colleague)
    ///   - answers: answers to the event's questions, by question id
    public func register(
        for id: UUID, account: UUID? = nil, organisation: UUID? = nil, answers: [String: String] = [:], by actor: Actor
    ) async throws -> Registration {
        let participant = account ?? actor.accountID
        let found = try await self.load(id, for: actor).first
        let invited = found?.invited ?? []
        // A member of one invited organisation comes for it, unless they say otherwise.
        var organisation = organisation
        if organisation == nil, participant == actor.accountID, invited.count == 1 { organisation = invited.first }
        if participant == actor.accountID {
            try Access.require(actor, .readEvent(invited: invited))
            if let organisation, !(invited.contains(organisation) && actor.memberships[organisation] != nil) {
                throw EventError.invalid(field: "organisation_id", "one of your organisations that the event invites")
            }
        } else {
            guard let organisation else {
                try Access.require(actor, .readEvent(invited: invited))
                throw EventError.invalid(field: "organisation_id", "name the organisation you register a colleague for")
            }
            try Access.require(actor, .registerColleague(organisation: organisation, invited: invited.contains(organisation)))
        }
        guard let event = found?.event else { throw AccountError.notFound }
        let answers = try EventError.form { () throws(Form.Failure) in try Form.answers(answers, to: event.questions, limit: Self.answerLimit) }
        guard event.isOpen(at: Date()) else { throw EventError.registrationClosed }

        let registrationID = try await self.pool.withTransaction { connection in
            if participant != actor.accountID, let organisation {
                // Only the organisation's own active members: anyone else is not one of its people.
                let member = try await connection.query(
                    """
                    SELECT 1 FROM memberships m JOIN accounts a ON a.id = m.account_id
                    WHERE m.organisation_id = \(organisation) AND m.account_id = \(participant) AND a.status = 'active'
                    """
                ).first
                guard member != nil else { throw AccountError.notFound }
            }
            let (capacity, open) = try await self.lock(id, on: connection)
            guard open else { throw EventError.registrationClosed }
            let existing = try await connection.query(
                "SELECT 1 FROM event_registrations WHERE event_id = \(id) AND account_id = \(participant) AND status <> 'cancelled'"
            ).first
            guard existing == nil else { throw EventError.alreadyRegistered }
            let taken = try await self.placesTaken(id, on: connection)
            let status: Registration.Status = if let capacity, taken >= capacity { .waiting } else { .registered }
            let registrationID = try await connection.query(
                """
                INSERT INTO event_registrations (event_id, account_id, organisation_id, registered_by, status, answers)
                VALUES (\(id), \(participant), \(organisation), \(actor.accountID), \(status.rawValue), \(try Self.json(answers))::jsonb)
                RETURNING id
                """
            ).first?.decode(column: 0, as: UUID.self)
            guard let registrationID else { throw AccountError.notFound }
            var details = ["registration": registrationID.uuidString, "status": status.rawValue]
            if participant != actor.accountID { details["account"] = participant.uuidString }
            if let organisation { details["organisation"] = organisation.uuidString }
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "event.register", target: "event:\(id)", details: details), on: connection
            )
            if participant != actor.accountID {
                try await self.notifications.record(
                    Notice(.eventRegistration, to: [participant], about: .init(.event, id), details: ["status": status.rawValue]), on: connection
                )
            }
            return registrationID
        }
        return try await self.registration(registrationID, of: id)
    }

    /// Cancels a registration (the participant, their organisation's admin, or staff) until the
    /// event starts; a place given up goes, in the same transaction, to the first in line, who is told.
    public func cancel(_ registrationID: UUID, of id: UUID, by actor: Actor) async throws -> Registration {
        let found = try await self.registration(registrationID, of: id)
        try Access.require(actor, .cancelRegistration(account: found.accountID, organisation: found.organisationID))
        try await self.pool.withTransaction { connection in
            let (capacity, open) = try await self.lock(id, on: connection)
            guard open else { throw EventError.registrationClosed }
            let cancelled = try await connection.execute(
                """
                UPDATE event_registrations SET status = 'cancelled', updated_at = now()
                WHERE id = \(registrationID) AND event_id = \(id) AND status <> 'cancelled'
                """
            )
            guard cancelled == 1 else { return }
            var details = ["registration": registrationID.uuidString]
            if found.accountID != actor.accountID { details["account"] = found.accountID.uuidString }
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "event.registration.cancel", target: "event:\(id)", details: details), on: connection
            )
            if found.accountID != actor.accountID {
                try await self.notifications.record(
                    Notice(.eventRegistration, to: [found.accountID], about: .init(.event, id), details: ["status": "cancelled"]), on: connection
                )
            }
            try await self.promote(id, capacity: capacity, by: actor, on: connection)
        }
        return try await self.registration(registrationID, of: id)
    }

    /// Confirms a registration that has a place (staff); the participant is told.
    public func confirm(_ registrationID: UUID, of id: UUID, by actor: Actor) async throws -> Registration {
        try Access.require(actor, .manageEvents)
        try await self.pool.withTransaction { connection in
            let status = try await connection.query(
                "SELECT status, account_id FROM event_registrations WHERE id = \(registrationID) AND event_id = \(id) FOR UPDATE"
            ).first?.decode((String, UUID).self)
            guard let (status, account) = status else { throw AccountError.notFound }
            switch Registration.Status(rawValue: status) {
            case .confirmed: return
            case .registered: break
            default: throw EventError.notAPlace
            }
            try await connection.execute(
                "UPDATE event_registrations SET status = 'confirmed', updated_at = now() WHERE id = \(registrationID)"
            )
            try await self.audit.record(
                AuditEvent(
                    actor: actor.accountID, action: "event.registration.confirm", target: "event:\(id)",
                    details: ["registration": registrationID.uuidString]
                ),
                on: connection
            )
            try await self.notifications.record(
                Notice(.eventRegistration, to: [account], about: .init(.event, id), details: ["status": "confirmed"]), on: connection
            )
        }
        return try await self.registration(registrationID, of: id)
    }

    // MARK: Helpers

    /// Locks the event's row for the rest of the transaction: registrations for it are decided
    /// one at a time. Returns its capacity and whether registrations may still change.
    func lock(_ id: UUID, on connection: PostgresConnection) async throws -> (capacity: Int?, open: Bool) {
        let row = try await connection.query("SELECT capacity, now() < starts_at FROM events WHERE id = \(id) FOR UPDATE").first
        guard let row else { throw AccountError.notFound }
        return try row.decode((Int?, Bool).self)
    }

    func placesTaken(_ id: UUID, on connection: PostgresConnection) async throws -> Int {
        try await connection.query(
            "SELECT count(*)::int FROM event_registrations WHERE event_id = \(id) AND status IN ('registered', 'confirmed')"
        ).first?.decode(column: 0, as: Int.self) ?? 0
    }

    /// Gives the free places to the first in line, in order, and tells each of them (under the
    /// event's lock, in the caller's transaction).
    func promote(_ id: UUID, capacity: Int?, by actor: Actor, on connection: PostgresConnection) async throws {
        // Without a limit nobody waits.
        guard let capacity else { return }
        let free = capacity - (try await self.placesTaken(id, on: connection))
        guard free > 0 else { return }
        let promoted = try await connection.query(
            """
            UPDATE event_registrations SET status = 'registered', updated_at = now()
            WHERE id IN (SELECT id FROM event_registrations WHERE event_id = \(id) AND status = 'waiting' ORDER BY position LIMIT \(free))
            RETURNING id, account_id
            """
        )
        for row in promoted {
            let (registration, account) = try row.decode((UUID, UUID).self)
            try await self.audit.record(
                AuditEvent(
                    actor: actor.accountID, action: "event.registration.promote", target: "event:\(id)",
                    details: ["registration": registration.uuidString]
                ),
                on: connection
            )
            try await self.notifications.record(
                Notice(.eventRegistration, to: [account], about: .init(.event, id), details: ["status": "registered"]), on: connection
            )
        }
    }

    /// A registration of the event, whoever's it is (callers decide who may see it).
    func registration(_ registrationID: UUID, of id: UUID) async throws -> Registration {
        let row = try await self.pool.query(
            "SELECT \(fragment: Self.registrationColumns) FROM event_registrations r WHERE r.id = \(registrationID) AND r.event_id = \(id)"
        ).first
        guard let row else { throw AccountError.notFound }
        return try Self.registration(from: row)
    }
}
