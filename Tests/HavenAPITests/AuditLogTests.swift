import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

@Suite struct AuditLogTests {
    @Test func flowsAreRecordedAndTheChainVerifies() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database, accounts: lenientAccounts()) { server in
                let (admin, _) = try await server.administrator()
                _ = try await server.signIn(email: "admin@haven.test", password: "wrong password entirely")
                let member = try await server.signUp(email: "audited@example.org")
                #expect(try await admin.send("POST", "/accounts/\(try await member.accountID())/disable").status == 204)
                let actions = try await database.pool.query("SELECT action, outcome, address_prefix FROM audit_log ORDER BY position")
                    .decode((String, String, String).self)
                let names = actions.map(\.0)
                for expected in ["invitation.create", "invitation.accept", "two-factor.enable", "session.sign-in", "account.disable"] {
                    #expect(names.contains(expected), "\(expected) in \(names)")
                }
                #expect(actions.contains { $0.0 == "session.sign-in" && $0.1 == "failure" && $0.2 == "127.0.0.0/24" })
                #expect(try await server.services.audit.verify() == .intact(rows: actions.count))
                // Filters, and the export as JSON lines.
                let failures = try await admin.send("GET", "/audit?action=session.sign-in&limit=10")
                #expect(failures.status == 200)
                let export = try await admin.send("GET", "/audit/export")
                #expect(export.header("Content-Type") == "application/x-ndjson")
                #expect(export.text.split(separator: "\n").count >= actions.count)
            }
        }
    }

    @Test func theApplicationCannotChangeOrRemoveAuditRows() async throws {
        try await TestDatabase.with { database in
            let audit = AuditLog(pool: database.pool)
            try await audit.record(AuditEvent(actor: nil, action: "test.event"))
            for statement: PostgresQuery in [
                "UPDATE audit_log SET action = 'covered.up'",
                "DELETE FROM audit_log",
                "TRUNCATE audit_log",
            ] {
                await #expect {
                    try await database.pool.execute(statement)
                } throws: { error in
                    (error as? PostgresError)?.sqlState == SQLState("42501") && "\(error)".contains("append-only")
                }
            }
            #expect(try await audit.verify() == .intact(rows: 1))
        }
    }

    @Test func verifyNamesTheExactRowASuperuserChanged() async throws {
        try await TestDatabase.with { database in
            let audit = AuditLog(pool: database.pool)
            for index in 0..<10 { try await audit.record(AuditEvent(actor: nil, action: "test.event", target: "item:\(index)")) }
            #expect(try await audit.verify() == .intact(rows: 10))
            // A superuser bypasses the trigger (replica mode) and edits row 6.
            try await database.pool.withConnection { connection in
                try await connection.executeScript("SET session_replication_role = replica")
                try await connection.execute("UPDATE audit_log SET target = 'item:forged' WHERE position = 6")
                try await connection.executeScript("SET session_replication_role = DEFAULT")
            }
            #expect(try await audit.verify() == .broken(position: 6, reason: "its content does not match its hash"))
        }
    }

    @Test func verifyNoticesARemovedRowAndRetentionKeepsTheChainVerifiable() async throws {
        try await TestDatabase.with { database in
            let audit = AuditLog(pool: database.pool)
            for index in 0..<6 { try await audit.record(AuditEvent(actor: nil, action: "test.event", target: "item:\(index)")) }
            try await database.pool.withConnection { connection in
                try await connection.executeScript("SET session_replication_role = replica")
                try await connection.execute("DELETE FROM audit_log WHERE position = 3")
                try await connection.executeScript("SET session_replication_role = DEFAULT")
            }
            guard case .broken(let position, _) = try await audit.verify() else {
                Issue.record("a removed row must break the chain")
                return
            }
            #expect(position == 4)

            // Retention removes the oldest rows through the sanctioned path; what remains verifies.
            try await TestDatabase.with { fresh in
                // Retention signs a checkpoint with the server secret, and verification checks it.
                let kept = AuditLog(pool: fresh.pool, secret: TestServices.secret)
                for index in 0..<5 { try await kept.record(AuditEvent(actor: nil, action: "test.event", target: "item:\(index)")) }
                try await fresh.pool.withConnection { connection in
                    try await connection.executeScript("SET session_replication_role = replica")
                    try await connection.execute("UPDATE audit_log SET occurred_at = now() - interval '400 days' WHERE position <= 2")
                    try await connection.executeScript("SET session_replication_role = DEFAULT")
                }
                #expect(try await kept.applyRetention(days: 365) == 2)
                // Rows 1 and 2 changed their time before removal: only the kept rows are checked.
                #expect(try await kept.verify() == .intact(rows: 3))
            }
        }
    }
}
