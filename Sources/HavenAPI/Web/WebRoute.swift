import HavenCore
import Hummingbird

/// One page or form target of the web interface: method, path (`/web/topics/{id}`), who may
/// open it, and its handler. The router and the authorisation-matrix test read the same list.
///
/// Every POST is checked before its handler runs: the form is read (at most `maxFormSize`), and
/// its `_csrf` field must be the session's anti-CSRF token (signed in) or the anonymous form
/// token of the browser's cookie (signed out). A handler cannot forget it.
public struct WebRoute: Sendable {
    /// Who may open a page at all; finer decisions belong to HavenCore, as for the API.
    public enum Audience: Sendable, Equatable {
        /// Anyone, signed in or not.
        case everyone
        /// Signed-in members (by session; API tokens do not open pages). Staff must have
        /// enrolled their second factor when the installation requires it.
        case signedIn
        /// Like `signedIn`, but open to staff who have not enrolled a second factor yet (so they can).
        case signedInBeforeSecondFactor
        /// Moderators and administrators.
        case staff
        /// Administrators.
        case administrators
    }

    public typealias Handler = @Sendable (WebRequest) async throws -> Response

    public var method: HTTPRequest.Method
    public var path: String
    public var audience: Audience
    public var handler: Handler

    public init(_ method: HTTPRequest.Method, _ path: String, audience: Audience, handler: @escaping Handler) {
        self.method = method
        self.path = path
        self.audience = audience
        self.handler = handler
    }

    /// `get /web/`: as the matrix test keys it.
    public var key: String { "\(self.method.rawValue.lowercased()) \(self.path)" }

    var routerPath: RouterPath { RouterPath(template: self.path) }

    /// Whether `actor` may open the page; `nil` means "sign in first".
    func admits(_ actor: Actor?, requireSecondFactorForStaff: Bool) -> WebAdmission {
        guard self.audience != .everyone else { return .admitted }
        guard let actor, actor.sessionID != nil else { return .signInFirst }
        if self.audience != .signedInBeforeSecondFactor, requireSecondFactorForStaff, actor.role.isStaff, !actor.twoFactorEnabled {
            return .enrolSecondFactorFirst
        }
        switch self.audience {
        case .staff: return actor.role.isStaff ? .admitted : .refused
        case .administrators: return actor.role == .administrator ? .admitted : .refused
        default: return .admitted
        }
    }
}

/// What `WebRoute.admits` decided.
enum WebAdmission: Equatable {
    case admitted, signInFirst, enrolSecondFactorFirst, refused
}
