import HavenCore
import Hummingbird
import NIOCore

/// What a Haven route handler knows about its request beyond the request itself: who is calling
/// (once the authentication middleware has looked) and from where.
public struct HavenRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in caller, if any.
    public var actor: Actor?
    /// Whether `actor` came from the session cookie (and so needs CSRF protection).
    public var authenticatedByCookie = false
    /// The client's IP address: the peer's, or the one a trusted balancer's PROXY header gave
    /// (only ever stored truncated).
    public let remoteAddress: String?
    /// The connection, so a handler refusing a large upload can stop reading it.
    public let channel: any Channel
    /// The caller's account, for the access log (which sits outside authentication).
    public let caller = CallerRecord()

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = ProxiedAddresses.shared.address(of: source.channel)
        self.channel = source.channel
    }

    /// Bodies larger than this are refused with 413 before a handler reads them whole.
    /// (256 KiB: a post of 32,000 characters of Arabic or Chinese, escaped as JSON, fits.)
    public var maxUploadSize: Int { 256 * 1024 }

    /// The caller, or `AccountError.notSignedIn`.
    public func requireActor() throws -> Actor {
        guard let actor = self.actor else { throw AccountError.notSignedIn }
        return actor
    }
}
