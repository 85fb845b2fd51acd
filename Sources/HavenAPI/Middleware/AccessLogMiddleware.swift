import Foundation
import HavenCore
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// Logs one line per request once it is answered: method, route template (never the path with
/// its ids, nor the query), status, duration and the caller's account id. Bodies, headers,
/// cookies, tokens and addresses never reach the log. The request id comes with the logger.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = HavenRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            self.log(request, context, status: response.status, since: start)
            return response
        } catch {
            self.log(request, context, status: (error as? any HTTPResponseError)?.status ?? .internalServerError, since: start)
            throw error
        }
    }

    private func log(_ request: Request, _ context: Context, status: HTTPResponse.Status, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        var metadata: Logger.Metadata = [
            "http.method": "\(request.method)",
            "http.route": "\(context.endpointPath ?? "unmatched")",
            "http.status": "\(status.code)",
            "duration_ms": "\(String(format: "%.2f", Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1_000))",
        ]
        if let actor = context.caller.accountID { metadata["actor"] = "\(actor)" }
        context.logger.log(level: status.code >= 500 ? .error : .info, "request", metadata: metadata)
    }
}

/// Who made a request, kept where middleware outside the authentication middleware (the access
/// log) can read it after the request is answered.
public final class CallerRecord: Sendable {
    private let account = Mutex<UUID?>(nil)

    public var accountID: UUID? {
        get { self.account.withLock { $0 } }
        set { self.account.withLock { $0 = newValue } }
    }
}
