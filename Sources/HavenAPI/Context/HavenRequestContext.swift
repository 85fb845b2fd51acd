import Hummingbird

/// What a Haven route handler knows about its request beyond the request itself.
/// Later, the authenticated actor lives here.
public struct HavenRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    /// Bodies larger than this are refused with 413 before a handler reads them whole.
    public var maxUploadSize: Int { 64 * 1024 }
}
