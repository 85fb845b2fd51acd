import Foundation
import PostgresClient

/// The scheduled purges: each kind of record is removed once its `RetentionPolicy` period is
/// over, in its own transaction (batched where it may be large), and counted. The clock is a
/// parameter, so tests move it forward instead of waiting.
public struct Retention: Sendable {
    let pool: PostgresPool
    public let policy: RetentionPolicy
    let documents: Documents
    let audit: AuditLog

    /// Rows deleted per statement (and so per transaction) where a purge may meet many.
    static let batchSize = 5_000

    public init(pool: PostgresPool, policy: RetentionPolicy, documents: Documents, audit: AuditLog) {
        self.pool = pool
        self.policy = policy
        self.documents = documents
        self.audit = audit
    }

    /// Runs every purge as of `now` and returns what each removed (every kind, zero included).
    /// A purge that fails does not stop the others; `RetentionFailure` then carries the counts
    /// and the first error.
    public func run(now: Date = Date()) async throws -> [RetentionPolicy.Kind: Int] {
        var counts: [RetentionPolicy.Kind: Int] = [:]
        var failure: (any Error)?
        for kind in RetentionPolicy.Kind.allCases {
            do {
                counts[kind] = try await self.purge(kind, now: now)
            } catch {
                counts[kind] = 0
                failure = failure ?? error
            }
            if let count = counts[kind], count > 0, kind != .deletedDocuments {
                // Documents.purge records its own entry.
                try? await self.audit.record(
                    AuditEvent(actor: nil, action: "retention.purge", target: "policy:\(kind.rawValue)", details: ["count": String(count)])
                )
            }
        }
        if let failure { throw RetentionFailure(purged: counts, error: failure) }
        return counts
    }

    /// One purge as of `now`.
    public func purge(_ kind: RetentionPolicy.Kind, now: Date) async throws -> Int {
        if kind == .categoryPosts { return try await self.purgeCategoryPosts(now: now) }
        guard let days = self.policy.days(kind) else { return 0 }
        let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
        switch kind {
        case .addresses: return try await self.purgeAddresses(before: cutoff, now: now)
        case .sessions: return try await self.purgeSessions(endedBefore: cutoff)
        case .tokens: return try await self.purgeTokens(before: cutoff)
        case .notifications: return try await self.purgeNotifications(before: cutoff)
        case .sentMail: return try await self.purgeSentMail(before: cutoff)
        case .deletedPosts: return try await self.purgeDeletedPosts(before: cutoff)
        case .deletedDocuments: return try await self.documents.purge(now: now, retentionDays: days)
        case .audit: return try await self.audit.purge(before: cutoff)
        case .categoryPosts: return 0
        }
    }

    /// Runs `statement` (a DELETE or UPDATE of at most `batchSize` rows) until it changes fewer.
    func batched(_ statement: () -> PostgresQuery) async throws -> Int {
        var total = 0
        while true {
            let changed = try await self.pool.execute(statement())
            total += changed
            if changed < Self.batchSize { return total }
        }
    }
}
