import Foundation
import HavenAPI
import HavenTesting
import PostgresClient
import Testing

@Suite struct HTTPBehaviourTests {
    @Test func healthAndReadinessAnswer() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database) { server in
                let client = server.client
                let health = try await client.get("/healthz")
                #expect(health.status == 200)
                #expect(health.json["status"] as? String == "ok")
                let ready = try await client.get("/readyz")
                #expect(ready.status == 200)
                #expect(ready.json["status"] as? String == "ready")
                #expect(ready.header("X-Content-Type-Options") == "nosniff")
                #expect(ready.header("Cache-Control") == "no-store")
            }
        }
    }

    @Test func readinessFailsWhenTheSchemaIsNotCurrent() async throws {
        try await TestDatabase.with { database in
            try await database.pool.execute("UPDATE schema_migrations SET checksum = sha256('tampered')")
            try await TestServer.with(database: database) { server in
                let client = server.client
                let ready = try await client.get("/readyz")
                #expect(ready.status == 503)
                #expect(ready.header("Content-Type") == "application/problem+json")
                #expect(ready.json["type"] as? String == "urn:haven:problem:not-ready")
                // Liveness is unaffected: restarting would not help.
                #expect(try await client.get("/healthz").status == 200)
            }
        }
    }

    @Test func readinessFailsWhenTheDatabaseIsUnreachable() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database) { server in
                let client = server.client
                #expect(try await client.get("/readyz").status == 200)
                // Shutting the pool down makes the database unreachable for this instance.
                await database.pool.shutdown()
                let ready = try await client.get("/readyz")
                #expect(ready.status == 503)
                #expect(ready.json["type"] as? String == "urn:haven:problem:not-ready")
                #expect(!(ready.text.contains("pool")), "the reason stays in the log, not the response")
            }
        }
    }

    @Test func unknownRouteIsAProblemDocument() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database) { server in
                let reply = try await server.client.get("/no/such/thing")
                #expect(reply.status == 404)
                #expect(reply.header("Content-Type") == "application/problem+json")
                #expect(reply.json["type"] as? String == "urn:haven:problem:not-found")
                #expect(reply.json["status"] as? Int == 404)
                #expect((reply.json["instance"] as? String)?.hasPrefix("urn:haven:request:") == true)
            }
        }
    }

    @Test func wrongMethodOnAKnownPathIs405WithAllow() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database) { server in
                let client = server.client
                for method in ["POST", "DELETE", "PUT", "TRACE"] {
                    let reply = try await client.send(method, "/healthz", body: method == "POST" ? Data("{}".utf8) : nil)
                    #expect(reply.status == 405)
                    #expect(reply.header("Allow") == "GET, HEAD")
                    #expect(reply.header("Content-Type") == "application/problem+json")
                    #expect(reply.json["type"] as? String == "urn:haven:problem:method-not-allowed")
                }
                #expect(try await client.send("HEAD", "/healthz").status == 200)
            }
        }
    }

    @Test func oversizeBodyIsRefusedWithoutAServerError() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database) { server in
                let reply = try await server.client.send("POST", "/healthz", body: Data(count: 4 << 20))
                #expect(reply.status == 405 || reply.status == 413)
            }
        }
    }

    @Test func openAPIDocumentIsServed() async throws {
        try await TestDatabase.with { database in
            try await TestServer.with(database: database) { server in
                let reply = try await server.client.get("/openapi.yaml")
                #expect(reply.status == 200)
                #expect(reply.header("Content-Type")?.hasPrefix("application/yaml") == true)
                #expect(reply.text == OpenAPIDocument.text)
                #expect(reply.text.hasPrefix("openapi: 3.1"))
            }
        }
    }

    @Test func slowQueriesDoNotBlockTheEventLoops() async throws {
        // Eight ten-second queries hold every pooled connection while /healthz keeps answering:
        // every probe finishes before the queries do. (Were libpq on an event loop, the probes
        // would wait for the queries.) Ordering, not wall-clock budgets, so a busy machine cannot
        // make it flaky.
        try await TestDatabase.with(maximumConnections: 8) { database in
            try await TestServer.with(database: database) { server in
                let client = server.client
                _ = try await client.get("/healthz")
                let queriesDone = Flag()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await withThrowingTaskGroup(of: Void.self) { queries in
                            for _ in 0..<8 { queries.addTask { try await database.pool.query("SELECT pg_sleep(10)") } }
                            try await queries.waitForAll()
                        }
                        queriesDone.set()
                    }
                    // Every connection taken (on a busy CI machine, opening eight takes a while).
                    for _ in 0..<200 where database.pool.statistics.inUse < 8 { try await Task.sleep(for: .milliseconds(25)) }
                    #expect(database.pool.statistics.inUse == 8)
                    for _ in 0..<5 {
                        let reply = try await client.get("/healthz")
                        #expect(reply.status == 200)
                        #expect(!queriesDone.isSet, "a health probe waited for the database queries")
                    }
                    try await group.waitForAll()
                }
                #expect(queriesDone.isSet)
            }
        }
    }
}

/// A flag set once, read from any task.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { self.lock.withLock { self.value } }
    func set() { self.lock.withLock { self.value = true } }

}
