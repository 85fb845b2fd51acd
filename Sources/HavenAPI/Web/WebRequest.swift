import Foundation
import HavenCore
import Hummingbird

/// What a page handler gets: the request, who is asking, in which language, the submitted form
/// (already checked for its anti-CSRF token), and the means to answer with a page or a redirect.
public struct WebRequest: Sendable {
    public let request: Request
    public let context: HavenRequestContext
    public let language: WebLanguage
    /// The submitted form (empty for GET).
    public let form: WebForm
    /// The token every form on the page carries in `_csrf`.
    public let formToken: String
    /// A signed-out visitor's new form token, to be set as a cookie with the page.
    let newFormCookie: String?
    let services: HavenServices
    /// The member's unread notifications, for the navigation (read for pages, not form targets).
    var unreadNotifications: Int? = nil

    /// The signed-in member, if any.
    public var actor: Actor? { self.context.actor }

    /// The member; the route's audience made sure there is one.
    public func requireActor() throws -> Actor {
        try self.context.requireActor()
    }

    /// A path parameter that must be an id; anything else is "not found".
    public func id(_ name: String) throws -> UUID {
        guard let text = self.context.parameters.get(name), let id = UUID(uuidString: text) else { throw Problem(.notFound) }
        return id
    }

    /// A query parameter, if present and not empty, read as a browser sends a GET form (`+` is
    /// a space).
    public func query(_ name: String) -> String? {
        guard let value = self.getForm[name], !value.isEmpty else { return nil }
        return value
    }

    /// The query string as a submitted GET form.
    var getForm: WebForm {
        WebForm(urlencoded: self.request.uri.query ?? "") ?? .empty
    }

    /// The client, for sign-in and audit.
    var client: ClientInfo {
        ClientInfo(userAgent: self.request.headers[.userAgent], address: self.context.remoteAddress)
    }

    /// `key`'s string in the page's language, placeholders filled.
    public func t(_ key: String, _ values: [String: String] = [:]) -> String {
        WebRenderer.catalogue.format(key, self.language, values)
    }

    /// A date and time as the page's language writes them.
    public func date(_ date: Date) -> String { self.language.format(date) }

    /// A number as the page's language writes it.
    public func number(_ number: Int) -> String { self.language.format(number) }

    /// A name, description or title given in several languages, in the page's language if it has
    /// one, else English, else any.
    public func localized(_ texts: [String: String]) -> String {
        texts[self.language.code] ?? texts["en"] ?? texts.sorted { $0.key < $1.key }.first?.value ?? ""
    }

    /// A page: `template` rendered inside the layout with `data`. `title` goes in `<title>`, so it
    /// never names a member (titles stay in browser history).
    public func page(_ template: String, title: String, status: HTTPResponse.Status = .ok, _ data: [String: Any] = [:]) -> Response {
        var response = WebRenderer.shared.render(template, title: title, request: self, data: data, status: status)
        if let cookie = self.newFormCookie {
            response.setCookie(Cookie(name: WebInterface.formCookie, value: cookie, path: "/", secure: true, httpOnly: true, sameSite: .strict))
        }
        return response
    }

    /// 303 See Other to `path` (after a form, so reloading does not send it again).
    public func redirect(_ path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path])
    }

    /// `next` if it is a page of this interface (never another site), else `fallback`.
    public func safeNext(_ next: String?, fallback: String = "/web/") -> String {
        guard let next, next.hasPrefix("/web/"), !next.contains("//"), !next.contains("\\"), next.utf8.count < 2000 else { return fallback }
        return next
    }
}
