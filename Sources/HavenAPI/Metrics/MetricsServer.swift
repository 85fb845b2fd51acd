import HavenCore
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The operators' listener, apart from the public one: `/metrics` for Prometheus, and `/healthz`
/// and `/readyz` for load balancers and orchestrators that probe over plain HTTP. It serves no
/// member data, and listens on 127.0.0.1 unless told otherwise.
public enum MetricsServer {
    public static func application(
        collector: MetricsCollector,
        readiness: Readiness,
        host: String,
        port: Int,
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        router.get("/metrics") { _, _ in
            let body = await collector.scrape()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: body))
            )
        }
        router.get("/healthz") { _, _ in
            Self.text(.ok, "ok")
        }
        router.get("/readyz") { _, _ in
            switch await readiness.check() {
            case .ready: Self.text(.ok, "ready")
            case .notServing(let phase): Self.text(.serviceUnavailable, phase == .starting ? "starting" : "stopping")
            case .databaseUnreachable: Self.text(.serviceUnavailable, "database unreachable")
            case .schemaNotCurrent: Self.text(.serviceUnavailable, "schema not current")
            }
        }
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: onServerRunning,
            logger: logger
        )
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }
}
