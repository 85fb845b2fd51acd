import HavenCore
import Hummingbird

/// The session cookie: `__Host-` (so only this host, path /, Secure), HttpOnly, SameSite=Lax.
enum SessionCookie {
    static let name = "__Host-haven_session"

    static func set(_ session: NewSession, lifetime: Duration, on response: inout Response) {
        response.setCookie(Cookie(
            name: self.name, value: session.token.text, maxAge: Int(lifetime.components.seconds), path: "/",
            secure: true, httpOnly: true, sameSite: .lax
        ))
    }

    static func clear(on response: inout Response) {
        response.setCookie(Cookie(name: self.name, value: "", maxAge: 0, path: "/", secure: true, httpOnly: true, sameSite: .lax))
    }
}
