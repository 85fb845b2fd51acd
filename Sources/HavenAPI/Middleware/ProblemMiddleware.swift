import Hummingbird
import Logging

/// Turns every error a route or middleware throws into an RFC 9457 problem response. Errors
/// that are not a `Problem` or an HTTP error become a 500 whose body says nothing of the cause;
/// the cause goes to the log with the request id.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return problem.response(requestID: context.id)
        } catch let error as any ProblemConvertible {
            return error.problem.response(requestID: context.id)
        } catch let error as HTTPError {
            return Problem(ProblemKind.forStatus(error.status), detail: error.body).response(requestID: context.id)
        } catch let error as any HTTPResponseError {
            return Problem(ProblemKind.forStatus(error.status)).response(requestID: context.id)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            return Problem(.internalError).response(requestID: context.id)
        }
    }
}
