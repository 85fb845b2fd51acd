import Foundation
import HavenCore
import HavenTesting
import PostgresClient
import Testing

/// The account pages: every signed-in member opens their own; someone else's session or token is
/// not found; the signed-out pages are open to all.
extension WebAuthorisationMatrixTests {
    static let account: [String: Row] = [
        "get /web/account": signedIn, "post /web/account/profile": signedIn, "post /web/account/language": signedIn,
        "get /web/account/password": signedIn, "post /web/account/password": signedIn,
        "get /web/account/two-factor": signedIn, "post /web/account/two-factor/start": signedIn,
        "post /web/account/two-factor/confirm": signedIn, "post /web/account/two-factor/recovery-codes": signedIn,
        "post /web/account/two-factor/disable": signedIn,
        "get /web/account/sessions": signedIn, "post /web/account/sign-out-everywhere": signedIn,
        // The bystander's session and token: not found for anyone else.
        "post /web/account/sessions/{sessionId}/revoke": row(.hidden, [.anonymous: .signIn]),
        "get /web/account/tokens": signedIn, "post /web/account/tokens": signedIn,
        "post /web/account/tokens/{tokenId}/revoke": row(.hidden, [.anonymous: .signIn]),
        "get /web/account/export": signedIn, "post /web/account/export": signedIn,
        "get /web/account/delete": signedIn, "post /web/account/delete": signedIn, "post /web/account/delete/cancel": signedIn,
        "get /web/invitations/accept": everyone, "post /web/invitations/accept": everyone,
        "get /web/password/forgot": everyone, "post /web/password/forgot": everyone,
        "get /web/password/reset": everyone, "post /web/password/reset": everyone,
    ]

    /// A session and an API token of the bystander, for the routes that take one.
    static func accountFixtures(_ server: TestServer, bystander: UUID) async throws -> [String: String] {
        let pool = server.services.pool
        let session = try #require(
            try await pool.query("SELECT id FROM sessions WHERE account_id = \(bystander) AND revoked_at IS NULL LIMIT 1").first?.decode(column: 0, as: UUID.self)
        )
        let token = try #require(
            try await pool.query(
                """
                INSERT INTO api_tokens (token_hash, account_id, name, scopes, expires_at)
                VALUES (\(SecretToken.generate().digest), \(bystander), 'matrix', \(["read"]), now() + interval '1 day')
                RETURNING id
                """
            ).first?.decode(column: 0, as: UUID.self)
        )
        return ["{sessionId}": session.uuidString.lowercased(), "{tokenId}": token.uuidString.lowercased()]
    }
}
