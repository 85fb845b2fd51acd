import Foundation
import HavenCore
import Hummingbird
import Logging
import Mustache

/// Renders pages: the embedded Mustache templates (`*.mustache`), each page inside `layout`,
/// with the language's strings as `t`, the navigation, the language switcher and the form token.
/// Mustache escapes every value for HTML; only `html` values that HavenCore sanitised are
/// written raw (`{{{…}}}`).
public struct WebRenderer: Sendable {
    static let catalogue = WebCatalogue.embedded
    static let shared = WebRenderer()

    /// The pages' Content-Security-Policy: nothing but this origin, no inline script or style,
    /// no framing, forms only to this origin.
    static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    let library: MustacheLibrary

    init() {
        var library = MustacheLibrary()
        for file in EmbeddedFiles.all where file.name.hasSuffix(".mustache") {
            do {
                try library.register(file.contents, named: String(file.name.dropLast(".mustache".count)))
            } catch {
                Logger(label: "haven.web").critical("template does not parse", metadata: ["template": "\(file.name)", "error": "\(error)"])
            }
        }
        self.library = library
    }

    /// The names of the embedded templates, for tests.
    public static var templateNames: [String] {
        EmbeddedFiles.all.filter { $0.name.hasSuffix(".mustache") }.map { String($0.name.dropLast(".mustache".count)) }
    }

    func render(_ template: String, title: String, request: WebRequest, data: [String: Any], status: HTTPResponse.Status) -> Response {
        // An absent optional (`value as Any`) would be written as "nil" and open its section.
        var context = data.filter { !Self.isAbsent($0.value) }
        let language = request.language
        context["lang"] = language.code
        context["dir"] = language.isRightToLeft ? "rtl" : "ltr"
        context["title"] = title
        context["t"] = Self.catalogue.table(language)
        context["assets"] = WebAssets.paths
        context["csrf"] = request.formToken
        context["path"] = request.request.uri.path
        context["languages"] = WebLanguage.all.map { ["code": $0.code, "name": $0.name, "current": $0.code == language.code] }
        if let actor = request.actor, actor.sessionID != nil {
            context["signedIn"] = true
            context["nav"] = Self.navigation(for: actor, request: request)
        }
        if let notice = request.query("done") {
            let key = "notice_" + notice.replacing("-", with: "_")
            if Self.catalogue.strings["en"]?[key] != nil { context["notice"] = request.t(key) }
        }
        let html = self.library.render(context, withTemplate: template) ?? ""
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        headers[.contentLanguage] = language.code
        headers[.crossOriginOpenerPolicy] = "same-origin"
        // Not `no-referrer`: with it, browsers send `Origin: null` with the page's own forms, and
        // the cross-site check could no longer tell them from another site's. Other sites still
        // learn nothing (no referrer leaves the origin).
        headers[.referrerPolicy] = "same-origin"
        headers[.permissionsPolicy] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// Whether `value` is an optional holding nothing.
    static func isAbsent(_ value: Any) -> Bool {
        let mirror = Mirror(reflecting: value)
        return mirror.displayStyle == .optional && mirror.children.isEmpty
    }

    /// The main navigation: what this member may open.
    static func navigation(for actor: Actor, request: WebRequest) -> [[String: Any]] {
        // Each page area adds its entry here when its pages exist.
        var items: [(String, String)] = [("/web/", "nav_home")]
            + [("/web/documents", "nav_documents"), ("/web/search", "nav_search"), ("/web/notifications", "nav_notifications")]
        if Access.decide(actor, .readModerationQueue) == .allow { items.append(("/web/moderation", "nav_moderation")) }
        if Access.decide(actor, .listAccounts) == .allow { items.append(("/web/admin", "nav_admin")) }
        items.append(("/web/account", "nav_account"))
        let path = request.request.uri.path
        return items.map { href, key -> [String: Any] in
            var label = request.t(key)
            if key == "nav_notifications", let unread = request.unreadNotifications, unread > 0 {
                label = request.t("nav_notifications_unread", ["count": request.number(unread)])
            }
            return ["href": href, "label": label, "current": href == path]
        }
    }
}
