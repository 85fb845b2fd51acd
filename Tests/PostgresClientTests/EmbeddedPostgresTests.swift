import Foundation
import PostgresClient
import Testing

@Suite struct EmbeddedPostgresTests {
    @Test func startsOnceStopsByPIDAndRestartsOnTheSameData() async throws {
        let folder = URL(filePath: NSTemporaryDirectory()).appending(path: "haven-embedded-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cluster = EmbeddedPostgres(directory: folder, settings: ["fsync": "off"])
        #expect(try await cluster.start())
        // A second start finds it running and leaves it to its owner.
        #expect(try await cluster.start() == false)
        let pid = try #require(cluster.runningPID)
        let pool = try PostgresPool(configuration: .init(connection: cluster.configuration(), maximumConnections: 1))
        try await pool.execute("CREATE TABLE kept (v text)")
        try await pool.execute("INSERT INTO kept VALUES (\("survives restart"))")
        let encoding = try await pool.query("SHOW server_encoding").first!.decode(column: 0, as: String.self)
        #expect(encoding == "UTF8")
        await pool.shutdown()

        try await cluster.stop()
        #expect(cluster.runningPID == nil)
        #expect(kill(pid, 0) != 0)

        #expect(try await cluster.start())
        let again = try PostgresPool(configuration: .init(connection: cluster.configuration(), maximumConnections: 1))
        #expect(try await again.query("SELECT v FROM kept").first!.decode(column: 0, as: String.self) == "survives restart")
        await again.shutdown()
        try await cluster.stop()
    }

    @Test func serverBinariesAreFound() async throws {
        let folder = try await EmbeddedPostgres.findBinaries()
        #expect(FileManager.default.isExecutableFile(atPath: folder.appending(path: "postgres").path))
    }
}
