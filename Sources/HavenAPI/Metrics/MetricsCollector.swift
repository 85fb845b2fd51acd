import HavenCore
import Logging
import OpenSSLTLS
import PostgresClient
import Prometheus
import Synchronization

/// Haven's Prometheus metrics. Request counts and latencies, and the pool's acquire latency, are
/// recorded as they happen through swift-metrics; the levels below (pool, Argon2 queue, TLS,
/// backlog) are read when `/metrics` is scraped, so they cost nothing between scrapes.
public final class MetricsCollector: Sendable {
    public let registry: PrometheusCollectorRegistry
    let services: HavenServices
    let tlsContext: TLSContext?
    let logger: Logger
    private let seenHandshakes = Mutex((completed: 0, failed: 0))

    public init(registry: PrometheusCollectorRegistry, services: HavenServices, tlsContext: TLSContext?, logger: Logger) {
        self.registry = registry
        self.services = services
        self.tlsContext = tlsContext
        self.logger = logger
    }

    /// The metrics factory to bootstrap swift-metrics with: Prometheus names, dots as underscores.
    public static func factory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (Self.sanitize(name), labels.map { (Self.sanitize($0.0), $0.1) })
        }
        return factory
    }

    static func sanitize(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
    }

    /// Brings the levels up to date and renders everything in Prometheus' text format.
    public func scrape() async -> [UInt8] {
        let pool = self.services.pool.statistics
        self.gauge("haven_db_pool_connections", ["state": "open"], pool.open)
        self.gauge("haven_db_pool_connections", ["state": "idle"], pool.idle)
        self.gauge("haven_db_pool_connections", ["state": "in_use"], pool.inUse)
        self.gauge("haven_db_pool_waiting", [:], pool.waiting)
        self.gauge("haven_argon2_queue_depth", [:], self.services.accounts.hashingQueueDepth)
        if let tls = self.tlsContext {
            self.gauge("haven_tls_connections", [:], tls.openConnections)
            let now = tls.handshakeCounts
            let before = self.seenHandshakes.withLock { seen in
                defer { seen = now }
                return seen
            }
            self.registry.makeCounter(name: "haven_tls_handshakes_total", labels: [("result", "completed")]).increment(by: Int64(now.completed - before.completed))
            self.registry.makeCounter(name: "haven_tls_handshakes_total", labels: [("result", "failed")]).increment(by: Int64(now.failed - before.failed))
        }
        do {
            let backlog = try await Backlog.measure(pool: self.services.pool)
            self.gauge("haven_database_up", [:], 1)
            self.gauge("haven_mail_outbox_messages", ["state": "pending"], backlog.mailPending)
            self.gauge("haven_mail_outbox_messages", ["state": "dead"], backlog.mailDead)
            self.gauge("haven_moderation_queue_length", ["queue": "posts"], backlog.pendingPosts)
            self.gauge("haven_moderation_queue_length", ["queue": "documents"], backlog.pendingDocumentVersions)
            self.gauge("haven_moderation_queue_length", ["queue": "flags"], backlog.openFlags)
        } catch {
            self.gauge("haven_database_up", [:], 0)
            self.logger.warning("metrics: backlog not measured", metadata: ["error": "\(error)"])
        }
        return self.registry.emitToBuffer()
    }

    /// Adds what a retention run purged to `haven_retention_purged_total{policy=…}` (every policy
    /// named, so each series exists from the first run).
    public func recordRetention(_ purged: [RetentionPolicy.Kind: Int]) {
        for kind in RetentionPolicy.Kind.allCases {
            self.registry.makeCounter(name: "haven_retention_purged_total", labels: [("policy", kind.rawValue)])
                .increment(by: Int64(purged[kind] ?? 0))
        }
    }

    private func gauge(_ name: String, _ labels: [String: String], _ value: Int) {
        let gauge = labels.isEmpty
            ? self.registry.makeGauge(name: name)
            : self.registry.makeGauge(name: name, labels: labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        gauge.set(Double(value))
    }
}
