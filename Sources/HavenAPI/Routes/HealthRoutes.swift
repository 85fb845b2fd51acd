import HavenCore
import Hummingbird
import Logging

/// Liveness and readiness for orchestrators and load balancers.
enum HealthRoutes {
    static func routes(services: HavenServices) -> [APIRoute] {
        [
            // Liveness: the process answers; nothing else is checked, so a database outage does
            // not get healthy instances restarted.
            APIRoute(.get, "/healthz", audience: .everyone) { _, _ in
                JSONBody.response(["status": "ok"])
            },
            // Readiness: the database answers and the schema matches this binary.
            APIRoute(.get, "/readyz", audience: .everyone) { _, context in
                switch await services.readiness.check() {
                case .ready:
                    return JSONBody.response(["status": "ready"])
                case .notServing(let phase):
                    throw Problem(.notReady, detail: phase == .starting ? "Haven is starting." : "Haven is shutting down.")
                case .databaseUnreachable(let reason):
                    context.logger.warning("not ready: database unreachable", metadata: ["reason": "\(reason)"])
                    throw Problem(.notReady, detail: "The database is unreachable.")
                case .schemaNotCurrent(let reason):
                    context.logger.warning("not ready: schema not current", metadata: ["reason": "\(reason)"])
                    throw Problem(.notReady, detail: "The database schema does not match this version of Haven.")
                }
            },
        ]
    }
}
