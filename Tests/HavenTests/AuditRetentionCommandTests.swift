import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

extension HavenCommandTests {
    @Test func auditVerifyChecksTheCheckpointRetentionLeft() async throws {
        try await TestDatabase.with { database in
            let url = try await database.tcpURL()
            let folder = FileManager.default.temporaryDirectory.appending(path: "audit-retention-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let key = [UInt8](repeating: 7, count: 32)
            let keyFile = folder.appending(path: "secret.key")
            try Data(key).write(to: keyFile)
            let audit = AuditLog(pool: database.pool, secret: try ServerSecret(key: key))
            for index in 0..<4 { try await audit.record(AuditEvent(actor: nil, action: "test.event", target: "item:\(index)")) }
            // Everything up to a minute from now is past retention: rows 1–4 go, a checkpoint stays.
            #expect(try await audit.purge(before: Date().addingTimeInterval(60)) == 4)
            try await audit.record(AuditEvent(actor: nil, action: "test.after"))

            let intact = try await run(["audit", "verify", "--database-url", url, "--secret-key-file", keyFile.path])
            #expect(intact.status == 0, "\(intact.output)")
            #expect(intact.output.contains("intact: 1 rows"), "\(intact.output)")
            // Without the secret the checkpoint cannot be checked.
            let unchecked = try await run(["audit", "verify", "--database-url", url, "--mode", "production"])
            #expect(unchecked.status != 0)
            #expect(unchecked.output.contains("BROKEN at row 4"), "\(unchecked.output)")

            try await database.pool.withConnection { connection in
                try await connection.executeScript("SET session_replication_role = replica")
                try await connection.execute("UPDATE audit_checkpoints SET position = 3")
                try await connection.executeScript("SET session_replication_role = DEFAULT")
            }
            let forged = try await run(["audit", "verify", "--database-url", url, "--secret-key-file", keyFile.path])
            #expect(forged.status != 0)
            #expect(forged.output.contains("signature does not match"), "\(forged.output)")
        }
    }
}
