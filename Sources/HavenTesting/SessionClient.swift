import Foundation
import HavenCore

/// A browser-like client of a test server: keeps the session cookie and anti-CSRF token it was
/// given, and sends JSON.
public struct SessionClient: Sendable {
    public let probe: HTTPProbe
    public var sessionToken: String?
    public var csrfToken: String?

    public init(probe: HTTPProbe, sessionToken: String? = nil, csrfToken: String? = nil) {
        self.probe = probe
        self.sessionToken = sessionToken
        self.csrfToken = csrfToken
    }

    /// Sends `json` (an object, or raw text when given a String) with the cookie and CSRF token.
    public func send(_ method: String, _ path: String, json: Any? = nil, headers extra: [String: String] = [:]) async throws -> HTTPProbe.Reply {
        var headers = extra
        if let sessionToken { headers["Cookie"] = "__Host-haven_session=\(sessionToken)" }
        if let csrfToken, headers["X-CSRF-Token"] == nil { headers["X-CSRF-Token"] = csrfToken }
        var body: Data?
        if let text = json as? String {
            body = Data(text.utf8)
        } else if let json {
            body = try JSONSerialization.data(withJSONObject: json)
        }
        if body != nil, headers["Content-Type"] == nil { headers["Content-Type"] = "application/json" }
        return try await self.probe.send(method, path, headers: headers, body: body)
    }

    /// Takes the session cookie and CSRF token from a sign-in or acceptance reply.
    public mutating func adopt(_ reply: HTTPProbe.Reply) {
        if let cookie = reply.header("Set-Cookie"), let value = cookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last {
            self.sessionToken = String(value)
        }
        if let csrf = reply.json["csrf_token"] as? String { self.csrfToken = csrf }
    }
}

extension TestServer {
    /// Invites `email` with `role` and accepts the invitation over HTTP; returns the signed-in client.
    public func signUp(email: String, role: Role = .member, password: String = "a long and unusual passphrase", name: String = "Amina") async throws -> SessionClient {
        let (_, token) = try await self.services.accounts.invite(email: email, role: role, by: nil)
        var client = SessionClient(probe: self.client)
        let reply = try await client.send("POST", "/invitations/accept", json: ["token": token.text, "display_name": name, "password": password])
        guard reply.status == 201 else { throw SessionClientError.unexpected(reply.status, reply.text) }
        client.adopt(reply)
        return client
    }

    /// Signs in over HTTP; returns the client (even when sign-in failed: check `reply`).
    public func signIn(email: String, password: String, totp: String? = nil, recovery: String? = nil) async throws -> (client: SessionClient, reply: HTTPProbe.Reply) {
        var client = SessionClient(probe: self.client)
        var body: [String: Any] = ["email": email, "password": password]
        if let totp { body["totp_code"] = totp }
        if let recovery { body["recovery_code"] = recovery }
        let reply = try await client.send("POST", "/auth/login", json: body)
        if reply.status == 200 { client.adopt(reply) }
        return (client, reply)
    }
}

public enum SessionClientError: Error {
    case unexpected(Int, String)
}
