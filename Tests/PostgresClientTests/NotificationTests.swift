import HavenTesting
import PostgresClient
import Testing

@Suite struct NotificationTests {
    @Test func notificationsArriveAsAnAsyncSequence() async throws {
        try await TestDatabase.with { database in
            let pool = database.pool
            let received = try await pool.listen(to: "outbox_ready") { notifications in
                try await pool.query("SELECT pg_notify('outbox_ready', \("first"))")
                try await pool.query("SELECT pg_notify('another_channel', \("ignored"))")
                try await pool.query("SELECT pg_notify('outbox_ready', \("second · ü"))")
                var payloads: [String] = []
                for await notification in notifications {
                    #expect(notification.channel == "outbox_ready")
                    payloads.append(notification.payload)
                    if payloads.count == 2 { break }
                }
                return payloads
            }
            #expect(received == ["first", "second · ü"])
        }
    }

    @Test func channelMustBeAnIdentifier() async throws {
        try await TestDatabase.with { database in
            await #expect(throws: PostgresError.self) {
                try await database.pool.listen(to: "x\"; DROP TABLE t; --") { _ in }
            }
        }
    }
}
