import HavenCore
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Assembles Haven's HTTP application: the routes, the middleware in front of them, and the
/// server listening on the given address.
public enum HavenServer {
    /// Every operation of the API, in the order they are registered.
    public static func routes(services: HavenServices) -> [APIRoute] {
        HealthRoutes.routes(services: services) + [OpenAPIDocument.route]
            + AuthRoutes.routes(accounts: services.accounts)
            + MeRoutes.routes(accounts: services.accounts)
            + NotificationRoutes.routes(services: services)
            + StaffRoutes.routes(services: services)
            + OrganisationRoutes.routes(services: services)
            + ForumRoutes.routes(services: services)
            + ModerationRoutes.routes(services: services)
            + EventRoutes.routes(services: services)
            + DocumentRoutes.routes(services: services)
            + ConsultationRoutes.routes(services: services)
            + OutreachRoutes.routes(services: services)
            + RetentionRoutes.routes(services: services)
            + DataExportRoutes.routes(services: services)
    }

    /// A router serving `routes` behind Haven's middleware. HEAD is answered wherever GET is.
    /// - Parameter overTLS: whether responses travel over HTTPS (and so carry HSTS)
    public static func router(routes: [APIRoute], services: HavenServices, overTLS: Bool) -> Router<HavenRequestContext> {
        let router = Router(context: HavenRequestContext.self, options: .autoGenerateHeadEndpoints)
        // One line per request (route template, status, duration, account id) and its metrics.
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: SecurityHeadersMiddleware(strictTransportSecurity: overTLS))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: MethodNotAllowedMiddleware(routes: routes))
        router.add(middleware: AuthenticationMiddleware(accounts: services.accounts))
        router.add(middleware: CSRFMiddleware(accounts: services.accounts))
        let requireSecondFactor = services.accounts.configuration.requireSecondFactorForStaff
        for route in routes {
            router.on(route.routerPath, method: route.method) { request, context in
                try route.admit(context, requireSecondFactorForStaff: requireSecondFactor)
                return try await route.handler(request, context)
            }
        }
        WebInterface.register(WebInterface.routes(services: services), on: router, services: services)
        return router
    }

    /// The application, ready for `runService()` (or to join a `ServiceGroup`).
    /// - Parameters:
    ///   - server: how connections are served: `.http1OpenSSL(context:)` for HTTPS, `.http1()` for
    ///     plain HTTP behind a trusted terminator
    ///   - overTLS: whether `server` is HTTPS
    ///   - onServerRunning: called with the listening channel once the server accepts connections
    public static func application(
        services: HavenServices,
        host: String,
        port: Int,
        server: HTTPServerBuilder,
        overTLS: Bool,
        logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: self.router(routes: self.routes(services: services), services: services, overTLS: overTLS),
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                services.readiness.markServing()
                await onServerRunning(channel)
            },
            logger: logger
        )
    }
}
