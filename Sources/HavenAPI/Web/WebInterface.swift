import Foundation
import HavenCore
import Hummingbird
import Logging
import OpenSSLTLS

/// The browser interface under `/web/`: server-rendered pages and HTML forms that work without
/// JavaScript, in the six languages, on top of HavenCore as the API is.
public enum WebInterface {
    /// The cookie holding a signed-out visitor's form token (double-submit: sign-in forms carry
    /// it too, so another site cannot sign a browser in to an account of its choosing).
    static let formCookie = "__Host-haven_form"
    /// The largest form body read (file uploads have their own limits).
    static let maxFormSize = 64 * 1024

    /// The characters a query value may carry unescaped (RFC 3986's unreserved set).
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Every page and form target, in the order they are registered.
    public static func routes(services: HavenServices) -> [WebRoute] {
        WebAssets.routes
            + SessionPages.routes(services: services)
            + HomePages.routes(services: services)
            + ForumPages.routes(services: services) + TopicPages.routes(services: services) + PostPages.routes(services: services)
            + ModerationPages.routes(services: services) + AdminPages.routes(services: services) + AdminLogPages.routes(services: services)
            + AdminDirectoryPages.routes(services: services) + AdminCategoryPages.routes(services: services)
            + AccountPages.routes(services: services)
            + DocumentPages.routes(services: services) + SearchPages.routes(services: services) + NotificationPages.routes(services: services)
    }

    /// Registers `routes` on `router`, each behind its audience, form reading and anti-CSRF check.
    static func register(_ routes: [WebRoute], on router: Router<HavenRequestContext>, services: HavenServices) {
        let requireSecondFactor = services.accounts.configuration.requireSecondFactorForStaff
        for route in routes {
            router.on(route.routerPath, method: route.method) { request, context in
                try await self.handle(request, context: context, route: route, services: services, requireSecondFactor: requireSecondFactor)
            }
        }
        router.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/web/"]) }
        // Anything else under /web/ is a page too: "not found" in the visitor's language.
        let unknown = WebRoute(.get, "/web/**", audience: .everyone) { _ in throw Problem(.notFound) }
        for method in [HTTPRequest.Method.get, .post] {
            router.on(unknown.routerPath, method: method) { request, context in
                try await self.handle(request, context: context, route: unknown, services: services, requireSecondFactor: requireSecondFactor)
            }
        }
    }

    static func handle(
        _ request: Request, context: HavenRequestContext, route: WebRoute, services: HavenServices, requireSecondFactor: Bool
    ) async throws -> Response {
        var request = request
        let actor = context.actor.flatMap { $0.sessionID == nil ? nil : $0 }
        let language = WebLanguage.resolve(
            actor: actor, cookie: request.cookies[WebLanguage.cookieName]?.value, acceptLanguage: request.headers[.acceptLanguage]
        )
        var formToken: String
        var newFormCookie: String?
        if let id = actor?.sessionID {
            formToken = services.accounts.csrfToken(sessionID: id)
        } else if let cookie = request.cookies[Self.formCookie]?.value, cookie.utf8.count == 43 {
            formToken = cookie
        } else {
            formToken = Base64URL.encode(SecureRandom.bytes(32))
            newFormCookie = formToken
        }
        var page = WebRequest(
            request: request, context: context, language: language, form: .empty, formToken: formToken,
            newFormCookie: newFormCookie, services: services
        )
        do {
            switch route.admits(actor, requireSecondFactorForStaff: requireSecondFactor) {
            case .admitted: break
            case .signInFirst:
                let next = request.method == .get ? request.uri.description : "/web/"
                return page.redirect("/web/sign-in?next=" + (next.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? ""))
            case .enrolSecondFactorFirst:
                return page.redirect("/web/account/two-factor")
            case .refused:
                throw Problem(.forbidden)
            }
            if request.method == .post {
                let form = try await self.readForm(&request, context: context)
                let sent = form["_csrf"] ?? request.uri.queryParameters.get("_csrf") ?? ""
                guard newFormCookie == nil, ConstantTime.equals(Array(sent.utf8), Array(formToken.utf8)) else {
                    throw Problem(.csrfTokenMissing, detail: "The form is out of date: open the page again and resend it.")
                }
                page = WebRequest(
                    request: request, context: context, language: language, form: form, formToken: formToken,
                    newFormCookie: nil, services: services
                )
            }
            if request.method == .get, let actor, route.audience != .everyone {
                page.unreadNotifications = try? await services.accounts.notifications.unreadCount(for: actor)
            }
            return try await route.handler(page)
        } catch AccountError.reauthenticationRequired {
            // Back to the page the form was on once the password has been entered again.
            let from = request.headers[.referer].flatMap { URL(string: $0) }.map { $0.path + ($0.query.map { "?" + $0 } ?? "") }
            let next = page.safeNext(from).addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? ""
            return page.redirect("/web/reauthenticate?next=" + next)
        } catch {
            return self.errorPage(error, request: page)
        }
    }

    /// Reads a urlencoded form; a multipart upload is left for its handler (its token comes in
    /// the query string, checked above all the same).
    static func readForm(_ request: inout Request, context: HavenRequestContext) async throws -> WebForm {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        if type.hasPrefix("multipart/form-data") { return .empty }
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw Problem(.unsupportedMediaType, detail: "Send the form as application/x-www-form-urlencoded.")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maxFormSize)
        } catch {
            throw Problem(.payloadTooLarge, detail: "The form is larger than \(Self.maxFormSize / 1024) KiB.")
        }
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self), let form = WebForm(urlencoded: text) else {
            throw Problem(.badRequest, detail: "The form is not valid.")
        }
        return form
    }

    /// An error as a page in the visitor's language: a short explanation by problem type (or
    /// status), and the English detail for what the catalogue cannot say.
    static func errorPage(_ error: any Error, request: WebRequest) -> Response {
        let problem: Problem
        switch error {
        case let error as Problem: problem = error
        case let error as any ProblemConvertible: problem = error.problem
        case let error as HTTPError: problem = Problem(ProblemKind.forStatus(error.status))
        default:
            request.context.logger.error("page failed", metadata: ["error": "\(String(reflecting: error))"])
            problem = Problem(.internalError)
        }
        // Types are `urn:haven:problem:<slug>`.
        let slug = problem.type.split(whereSeparator: { $0 == ":" || $0 == "/" }).last.map(String.init) ?? ""
        let strings = WebRenderer.catalogue.strings["en"] ?? [:]
        let key = ["problem_" + slug.replacing("-", with: "_"), "error_\(problem.status)"].first { strings[$0] != nil } ?? "error_generic"
        var response = request.page(
            "error", title: request.t(key), status: HTTPResponse.Status(code: problem.status),
            ["message": request.t(key), "detail": request.language == .english ? "" : (problem.detail ?? ""),
             "englishDetail": request.language == .english ? (problem.detail ?? "") : "",
             "reference": request.context.id]
        )
        if let retryAfter = problem.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}
