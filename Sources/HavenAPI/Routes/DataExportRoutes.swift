import Foundation
import HavenCore
import Hummingbird
import NIOCore

/// A member's exports of their own data: ask for one, follow its preparation, download it once.
/// Sessions only: an API token cannot take everything out.
enum DataExportRoutes {
    /// The request's body, when there is one: an object with nothing to set (yet).
    struct ExportRequest: JSONRequest {
        static let fields: Set<String> = []
    }

    static func routes(services: HavenServices) -> [APIRoute] {
        let exports = services.exports
        @Sendable func id(_ context: HavenRequestContext) throws -> UUID { try context.parameters.require("id", as: UUID.self) }
        return [
            APIRoute(.get, "/me/exports", audience: .signedIn(scope: nil)) { _, context in
                JSONBody.response(["exports": try await exports.exports(for: try context.requireActor()).map(DataExportJSON.init)])
            },
            APIRoute(.post, "/me/exports", audience: .signedIn(scope: nil)) { request, context in
                let actor = try context.requireActor()
                // No body, or an empty JSON object; anything else is refused as for every route.
                let body = try await request.body.collect(upTo: context.maxUploadSize)
                if body.readableBytes > 0 || request.headers[.contentType] != nil {
                    let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
                    guard mediaType == "application/json" else { throw Problem(.unsupportedMediaType, detail: "Send the body as application/json.") }
                    _ = try Request.decodeJSON(ExportRequest.self, from: Data(body.readableBytesView))
                }
                let export = try await exports.request(by: actor)
                var response = JSONBody.response(DataExportJSON(export), status: .accepted)
                response.headers[.location] = "/me/exports/\(export.id.uuidString.lowercased())"
                return response
            },
            APIRoute(.get, "/me/exports/{id}", audience: .signedIn(scope: nil)) { _, context in
                JSONBody.response(DataExportJSON(try await exports.export(try id(context), for: try context.requireActor())))
            },
            APIRoute(.get, "/me/exports/{id}/download", audience: .signedIn(scope: nil)) { request, context in
                let (id, actor) = (try id(context), try context.requireActor())
                var headers = HTTPFields()
                headers[.contentType] = "application/zip"
                headers[.contentDisposition] = "attachment; filename=\"haven-export-\(id.uuidString.lowercased()).zip\""
                // HEAD (answered wherever GET is) says what GET would, without using up the download.
                if request.method == .head {
                    headers[.contentLength] = String(try await exports.downloadable(id, for: actor))
                    return Response(status: .ok, headers: headers)
                }
                // Claimed before the response starts: refusals are problems, not a broken download.
                let download = try await exports.download(id, for: actor)
                headers[.contentLength] = String(download.size)
                return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                    try await exports.stream(download) { try await writer.write($0) }
                    try await writer.finish(nil)
                })
            },
        ]
    }
}
