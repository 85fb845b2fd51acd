import Foundation
import Logging
import PostgresClient

/// Members' exports of everything Haven holds about them: asked for by the member, prepared in
/// the background (`prepareDue`) into a ZIP archive stored encrypted in the database, announced
/// through the notifications system, downloaded once, and shredded after the download or when
/// it expires (`expireDue`). Another member's export is reported as not found.
public struct DataExports: Sendable {
    let pool: PostgresPool
    let audit: AuditLog
    let documents: Documents
    let notifications: Notifications
    let keys: MasterKeyring
    public let configuration: DataExportsConfiguration
    let logger: Logger

    public init(
        pool: PostgresPool, documents: Documents, notifications: Notifications, configuration: DataExportsConfiguration = DataExportsConfiguration(),
        logger: Logger = Logger(label: "haven.exports")
    ) {
        self.pool = pool
        self.audit = AuditLog(pool: pool)
        self.documents = documents
        self.notifications = notifications
        self.keys = documents.keys
        self.configuration = configuration
        self.logger = logger
    }

    /// The columns `export(from:)` decodes.
    static let columns: StaticString = "id, state, requested_at, ready_at, expires_at, downloaded_at, done, total, size"

    static func export(from row: PostgresRow) throws -> DataExport {
        let (id, state, requested, ready, expires, downloaded, done, total, size) =
            try row.decode((UUID, String, Date, Date?, Date?, Date?, Int32, Int32, Int64?).self)
        return DataExport(
            id: id, state: DataExport.State(rawValue: state) ?? .failed, requestedAt: requested, readyAt: ready, expiresAt: expires,
            downloadedAt: downloaded, done: Int(done), total: Int(total), size: size
        )
    }

    /// Asks for an export of the actor's data. Refused (`rateLimited`, with the seconds to wait)
    /// while one is being prepared, or within `requestInterval` of the previous request (a failed
    /// preparation does not count). Audited.
    public func request(by actor: Actor) async throws -> DataExport {
        try Access.require(actor, .useOwnAccount)
        let now = self.configuration.clock()
        let interval = self.configuration.requestInterval
        return try await self.pool.withTransaction { connection in
            // The account's row serialises its requests, on every instance.
            _ = try await connection.query("SELECT 1 FROM accounts WHERE id = \(actor.accountID) FOR UPDATE")
            let previous = try await connection.query(
                """
                SELECT state, requested_at FROM data_exports WHERE account_id = \(actor.accountID) AND state <> 'failed'
                ORDER BY requested_at DESC LIMIT 1
                """
            ).first.map { try $0.decode((String, Date).self) }
            if let previous {
                let (state, requested) = previous
                let wait = requested.addingTimeInterval(interval).timeIntervalSince(now)
                if state == DataExport.State.queued.rawValue || state == DataExport.State.preparing.rawValue {
                    throw DataExportError.rateLimited(retryAfter: max(60, Int(wait.rounded(.up))))
                }
                if wait > 0 { throw DataExportError.rateLimited(retryAfter: Int(wait.rounded(.up))) }
            }
            let row = try await connection.query(
                """
                INSERT INTO data_exports (account_id, state, requested_at) VALUES (\(actor.accountID), 'queued', \(now))
                RETURNING \(fragment: Self.columns)
                """
            )
            guard let row = row.first else { throw AccountError.notFound }
            let export = try Self.export(from: row)
            try await self.audit.record(
                AuditEvent(actor: actor.accountID, action: "data-export.request", target: "export:\(export.id)"), on: connection
            )
            return export
        }
    }

    /// One of the actor's exports; another's is not found.
    public func export(_ id: UUID, for actor: Actor) async throws -> DataExport {
        try Access.require(actor, .useOwnAccount)
        let row = try await self.pool.query(
            "SELECT \(fragment: Self.columns) FROM data_exports WHERE id = \(id) AND account_id = \(actor.accountID)"
        ).first
        guard let row else { throw AccountError.notFound }
        return try Self.export(from: row).asOf(self.configuration.clock())
    }

    /// The actor's exports, newest first (the last 20).
    public func exports(for actor: Actor) async throws -> [DataExport] {
        try Access.require(actor, .useOwnAccount)
        // data_exports_account
        return try await self.pool.query(
            """
            SELECT \(fragment: Self.columns) FROM data_exports WHERE account_id = \(actor.accountID)
            ORDER BY requested_at DESC, id DESC LIMIT 20
            """
        ).map { try Self.export(from: $0).asOf(self.configuration.clock()) }
    }

    /// Deletes an export's key, and with it its chunks: what is left cannot be read.
    func shred(_ id: UUID, on connection: PostgresConnection? = nil) async throws {
        if let connection {
            try await connection.execute("DELETE FROM data_export_keys WHERE export_id = \(id)")
        } else {
            try await self.pool.execute("DELETE FROM data_export_keys WHERE export_id = \(id)")
        }
    }
}
