import Foundation

/// What a sign-in answers: a session, or (password right, second factor enrolled but not given)
/// a pending sign-in that the second step completes.
public enum SignInStep: Sendable {
    case signedIn(NewSession)
    case secondFactorRequired(PendingSignIn)
}

/// A sign-in whose password checked out and whose second factor is still to come, for five
/// minutes: a sealed token naming the account, so the browser's second step never carries the
/// password. It holds no state on the server; a wrong code counts against the account's throttle.
public struct PendingSignIn: Sendable {
    /// How long the second step may take.
    public static let lifetime: TimeInterval = 300
    static let purpose = "pending-sign-in"

    /// The token to hand to the browser (in a hidden form field).
    public let token: String

    init(accountID: UUID, secret: ServerSecret, now: Date = Date()) {
        var plaintext = withUnsafeBytes(of: accountID.uuid) { Array($0) }
        let expiry = UInt64(now.addingTimeInterval(Self.lifetime).timeIntervalSince1970)
        plaintext += withUnsafeBytes(of: expiry.bigEndian) { Array($0) }
        let sealed = (try? secret.seal(plaintext, purpose: Self.purpose, context: Self.purpose)) ?? []
        self.token = Base64URL.encode(sealed)
    }

    /// The account a token names, if it is genuine and not expired.
    static func accountID(in token: String, secret: ServerSecret, now: Date = Date()) -> UUID? {
        guard token.utf8.count < 200, let sealed = Base64URL.decode(token),
            let plaintext = try? secret.open(sealed, purpose: Self.purpose, context: Self.purpose), plaintext.count == 24
        else { return nil }
        let expiry = plaintext[16..<24].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard Double(expiry) > now.timeIntervalSince1970 else { return nil }
        let id = plaintext[0..<16]
        return UUID(uuid: (id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7], id[8], id[9], id[10], id[11], id[12], id[13], id[14], id[15]))
    }
}
