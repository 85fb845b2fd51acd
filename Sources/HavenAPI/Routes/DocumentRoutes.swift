import Foundation
import HavenCore
import Hummingbird
import NIOCore

/// Document libraries: upload (multipart form or raw body, streamed), listing, versions,
/// downloads (streamed, resumable) and deletion; vetting lives with the moderation routes.
enum DocumentRoutes {
    /// A document's description, as the `metadata` part of a form or the `metadata` query
    /// parameter of a raw upload.
    struct Metadata: JSONRequest {
        static let fields: Set<String> = [
            "space", "space_id", "titles", "descriptions", "language", "thematic_areas", "organisation_id", "licence", "tags", "filename",
        ]
        var space: String
        var spaceId: UUID?
        var titles: [String: String]
        var descriptions: [String: String]?
        var language: String
        var thematicAreas: [String]?
        var organisationId: UUID?
        var licence: String?
        var tags: [String]?
        /// The file's name, for a raw upload (a form's file part carries its own).
        var filename: String?

        func draft() throws -> DocumentDraft {
            guard let space = DocumentSpace(kind: self.space, id: self.spaceId) else {
                throw Problem(.invalidInput, detail: "The space is library (without space_id), or category, group or organisation with a space_id.")
            }
            return DocumentDraft(
                space: space, titles: self.titles, descriptions: self.descriptions ?? [:], language: self.language,
                thematicAreas: self.thematicAreas ?? [], organisationId: self.organisationId, licence: self.licence ?? "", tags: self.tags ?? []
            )
        }
    }

    struct Decision: JSONRequest {
        static let fields: Set<String> = ["decision", "reason"]
        var decision: String
        var reason: String?
    }

    struct VettingChange: JSONRequest {
        static let fields: Set<String> = ["space", "space_id", "vetted"]
        var space: String
        var spaceId: UUID?
        /// Left out: the space follows its kind's default again.
        var vetted: Bool?
    }

    static func routes(services: HavenServices) -> [APIRoute] {
        let documents = services.documents
        @Sendable func id(_ context: HavenRequestContext) throws -> UUID { try context.parameters.require("id", as: UUID.self) }
        @Sendable func version(_ context: HavenRequestContext) throws -> Int {
            guard let version = context.parameters.get("version", as: Int.self), version >= 1 else {
                throw Problem(.invalidInput, detail: "A version is a whole number from 1.")
            }
            return version
        }
        return [
            APIRoute(.get, "/documents", audience: .signedIn(scope: .read)) { request, context in
                func text(_ name: String, upTo limit: Int) throws -> String? {
                    try request.query(name) { $0.count <= limit ? $0 : nil }
                }
                let kind = try request.query("space") { ["library", "category", "group", "organisation"].contains($0) ? $0 : nil }
                let filter = Documents.Filter(
                    spaceKind: kind, spaceId: try request.query("space_id", Parse.uuid), language: try text("language", upTo: 35),
                    tag: try text("tag", upTo: 50), thematicArea: try text("thematic_area", upTo: 50),
                    organisationId: try request.query("organisation_id", Parse.uuid), query: try text("q", upTo: 200)
                )
                let after = (try request.query("after", Parse.cursor)) ?? nil
                return JSONBody.snakeCase(try await documents.list(filter, after: after, for: try context.requireActor()))
            },
            APIRoute(.post, "/documents", audience: .signedIn(scope: .write)) { request, context in
                try await receiving(request, context) {
                    let actor = try context.requireActor()
                    let client = AuthRoutes.client(request, context)
                    if isRaw(request) {
                        guard let text = try request.query("metadata", Parse.text) else {
                            throw Problem(.invalidInput, detail: "Give the document's metadata as JSON in the metadata query parameter.")
                        }
                        let metadata = try Request.decodeJSON(Metadata.self, from: Data(text.utf8))
                        let document = try await documents.upload(
                            try metadata.draft(), filename: try Self.name(metadata.filename), body: UploadBody(base: request.body), by: actor, client: client
                        )
                        return JSONBody.snakeCase(document, status: .created)
                    }
                    // The metadata comes once: a form that also names it in the query would leave one
                    // of the two unchecked and unused.
                    guard request.uri.queryParameters["metadata"] == nil else {
                        throw Problem(.invalidInput, detail: "A form carries its metadata in its metadata part, not in the query.")
                    }
                    var reader = try MultipartReader(request: request)
                    let (fields, file) = try await reader.fields(beforeFile: "file", limit: 64 * 1024)
                    guard let bytes = fields["metadata"] else { throw Problem(.invalidInput, detail: "Send a metadata part before the file part.") }
                    let metadata = try Request.decodeJSON(Metadata.self, from: Data(bytes.readableBytesView))
                    let document = try await documents.upload(
                        try metadata.draft(), filename: try Self.name(file.filename ?? metadata.filename), body: reader.partBody(), by: actor, client: client
                    )
                    return JSONBody.snakeCase(document, status: .created)
                }
            },
            APIRoute(.get, "/documents/{id}", audience: .signedIn(scope: .read)) { _, context in
                JSONBody.snakeCase(try await documents.document(try id(context), for: try context.requireActor()))
            },
            APIRoute(.delete, "/documents/{id}", audience: .signedIn(scope: .write)) { request, context in
                try await documents.delete(try id(context), by: try context.requireActor(), client: AuthRoutes.client(request, context))
                return Response(status: .noContent)
            },
            APIRoute(.get, "/documents/{id}/versions", audience: .signedIn(scope: .read)) { _, context in
                JSONBody.snakeCase(try await documents.versions(of: try id(context), for: try context.requireActor()))
            },
            APIRoute(.post, "/documents/{id}/versions", audience: .signedIn(scope: .write)) { request, context in
                try await receiving(request, context) {
                    let actor = try context.requireActor()
                    let client = AuthRoutes.client(request, context)
                    try await documents.authoriseNewVersion(of: try id(context), by: actor)
                    let document: Document
                    if isRaw(request) {
                        let filename = try Self.name(try request.query("filename", Parse.text))
                        document = try await documents.uploadVersion(of: try id(context), filename: filename, body: UploadBody(base: request.body), by: actor, client: client)
                    } else {
                        guard request.uri.queryParameters["filename"] == nil else {
                            throw Problem(.invalidInput, detail: "A form names its file in its file part, not in the query.")
                        }
                        var reader = try MultipartReader(request: request)
                        let (_, file) = try await reader.fields(beforeFile: "file", limit: 64 * 1024)
                        document = try await documents.uploadVersion(
                            of: try id(context), filename: try Self.name(file.filename), body: reader.partBody(), by: actor, client: client
                        )
                    }
                    return JSONBody.snakeCase(document, status: .created)
                }
            },
            APIRoute(.get, "/documents/{id}/content", audience: .signedIn(scope: .read)) { request, context in
                try await download(documents, request, context, id: try id(context), version: nil)
            },
            APIRoute(.get, "/documents/{id}/versions/{version}/content", audience: .signedIn(scope: .read)) { request, context in
                try await download(documents, request, context, id: try id(context), version: try version(context))
            },
            APIRoute(.get, "/moderation/documents", audience: .signedIn(scope: .moderate)) { _, context in
                JSONBody.snakeCase(try await documents.vettingQueue(for: try context.requireActor()))
            },
            APIRoute(.post, "/moderation/documents/{id}/versions/{version}/decision", audience: .signedIn(scope: .moderate)) { request, context in
                let body = try await request.decodeJSON(Decision.self, context: context)
                let decision: DocumentDecision
                switch body.decision {
                case "approve":
                    guard body.reason == nil else { throw Problem(.invalidInput, detail: "A reason goes with a rejection only.") }
                    decision = .approve
                case "reject": decision = .reject(reason: body.reason ?? "")
                default: throw Problem(.invalidInput, detail: "The decision is approve or reject (with a reason).")
                }
                return JSONBody.snakeCase(
                    try await documents.decide(
                        try id(context), version: try version(context), decision, by: try context.requireActor(),
                        client: AuthRoutes.client(request, context)
                    )
                )
            },
            APIRoute(.get, "/document-vetting", audience: .signedIn(scope: .admin)) { _, context in
                JSONBody.snakeCase(try await documents.vettingSettings(by: try context.requireActor()))
            },
            APIRoute(.put, "/document-vetting", audience: .signedIn(scope: .admin)) { request, context in
                let body = try await request.decodeJSON(VettingChange.self, context: context)
                guard let space = DocumentSpace(kind: body.space, id: body.spaceId) else {
                    throw Problem(.invalidInput, detail: "space is library (without space_id), category, group or organisation (with space_id).")
                }
                return JSONBody.snakeCase(try await documents.setVetting(body.vetted, for: space, by: try context.requireActor()))
            },
        ]
    }

    /// The file name given, or "document" when none is (the download adds the type's extension).
    /// Longer is refused rather than cut, as the OpenAPI document says (255 code points).
    static func name(_ given: String?) throws -> String {
        guard let given, !given.isEmpty else { return "document" }
        guard given.codePoints <= 255 else { throw Problem(.invalidInput, detail: "filename: at most 255 characters") }
        return given
    }

    /// Whether the upload is a raw body (application/octet-stream) rather than a form.
    static func isRaw(_ request: Request) -> Bool {
        request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() == "application/octet-stream"
    }

    /// Runs an upload; if it fails, stops reading the connection, so that a refused file (too
    /// large, over quota, of a refused type) is not read to its end. The error response still goes out.
    /// A body declared small (up to 1 MiB) is read to its end instead: cheaper than an abrupt
    /// close, whose reset can reach the client before the response does.
    static func receiving(_ request: Request, _ context: HavenRequestContext, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch {
            let declared = request.headers[.contentLength].flatMap { Int($0) }
            if declared.map({ $0 > 1 << 20 }) ?? true { context.channel.close(mode: .input, promise: nil) }
            throw error
        }
    }

    /// The version's bytes (or a range of them) as an attachment that no browser will run.
    static func download(_ documents: Documents, _ request: Request, _ context: HavenRequestContext, id: UUID, version: Int?) async throws -> Response {
        let actor = try context.requireActor()
        var range = request.headers[.range].flatMap(ByteRange.init(header:))
        let download: DocumentDownload
        do {
            var prepared = try await documents.download(id, version: version, range: range, for: actor)
            // If-Range: the range only applies to the same file; otherwise send the whole file.
            if range != nil, let condition = request.headers[.ifRange], condition != prepared.etag {
                range = nil
                prepared = try await documents.download(id, version: version, range: nil, for: actor)
            }
            download = prepared
        } catch DocumentError.rangeNotSatisfiable(let size) {
            var response = Problem(.rangeNotSatisfiable, detail: "The file has \(size) bytes.").response(requestID: context.id)
            response.headers[.contentRange] = "bytes */\(size)"
            return response
        }
        var headers = HTTPFields()
        headers[.eTag] = download.etag
        headers[.cacheControl] = "private, no-store"
        headers[.acceptRanges] = "bytes"
        if let match = request.headers[.ifNoneMatch], match == "*" || match.split(separator: ",").contains(where: {
            $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "W/", with: "") == download.etag
        }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = download.version.mediaType
        headers[.contentDisposition] = contentDisposition(download.version)
        headers[.contentSecurityPolicy] = "sandbox; default-src 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        if download.partial, let bytes = download.bytes {
            headers[.contentRange] = "bytes \(bytes.lowerBound)-\(bytes.upperBound)/\(download.version.size)"
        }
        return Response(
            status: download.partial ? .partialContent : .ok, headers: headers,
            body: ResponseBody(contentLength: Int(download.length)) { writer in
                try await documents.stream(download) { try await writer.write($0) }
                try await writer.finish(nil)
            }
        )
    }

    /// `attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266, RFC 8187), the
    /// extension matching the detected type, so a saved file opens as what it is.
    static func contentDisposition(_ version: DocumentVersion) -> String {
        var name = version.filename
        let ext = version.type.fileExtension
        let lowered = name.lowercased()
        if !(lowered.hasSuffix("." + ext) || (version.type == .jpeg && lowered.hasSuffix(".jpeg"))) { name += "." + ext }
        let fallback = String(name.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && scalar.value >= 0x20 && scalar.value != 0x7f && scalar != "\"" && scalar != "\\" && scalar != "%" ? Character(scalar) : "_"
        })
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "!#$&+-.^_`|~")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? fallback
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }
}
