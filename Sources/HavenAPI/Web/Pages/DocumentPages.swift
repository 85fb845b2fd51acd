import Foundation
import HavenCore
import Hummingbird

/// The document library: the list of documents the member may see, the upload form, a
/// document's page with its versions, a new version and deletion. Uploads are multipart forms
/// read as the API reads them (streamed, the same limits, the antivirus on the way in).
enum DocumentPages {
    static func routes(services: HavenServices) -> [WebRoute] {
        let documents = services.documents
        return [
            WebRoute(.get, "/web/documents", audience: .signedIn) { page in
                let actor = try page.requireActor()
                let spaces = await self.spaces(page, services: services)
                let chosen = page.query("space")
                var filter = Documents.Filter()
                if let chosen {
                    guard let space = spaces.first(where: { $0.value == chosen }) else { throw Problem(.invalidInput, detail: "Choose a space from the list.") }
                    filter = Documents.Filter(spaceKind: space.kind, spaceId: space.id)
                }
                let after = try self.cursor(page.query("after"))
                let listing = try await documents.list(filter, after: after, for: actor)
                let names = Dictionary(spaces.map { ($0.value, $0.label) }) { first, _ in first }
                var next: String?
                if let cursor = listing.next {
                    next = "/web/documents?" + [chosen.map { "space=" + self.escaped($0) }, "after=" + self.escaped(cursor)].compactMap { $0 }.joined(separator: "&")
                }
                var data: [String: Any] = [
                    "documents": listing.items.map { document in
                        var row = self.summary(document, page: page)
                        row["space"] = self.spaceLabel(document, names: names, page: page)
                        return row
                    },
                    "spaces": spaces.map { ["value": $0.value, "label": $0.label, "selected": $0.value == chosen] },
                    "hasDocuments": !listing.items.isEmpty,
                ]
                if let next { data["next"] = next }
                return page.page("doc-list", title: page.t("doc_list_title"), data)
            },
            WebRoute(.get, "/web/documents/new", audience: .signedIn) { page in
                await self.uploadForm(page, services: services)
            },
            WebRoute(.post, "/web/documents", audience: .signedIn) { page in
                let actor = try page.requireActor()
                let spaces = await self.spaces(page, services: services)
                var entered: [String: String] = [:]
                do {
                    return try await DocumentRoutes.receiving(page.request, page.context) {
                        var reader = try MultipartReader(request: page.request)
                        let (fields, file) = try await reader.fields(beforeFile: "file", limit: 64 * 1024)
                        func text(_ name: String) -> String {
                            fields[name].map { String(decoding: $0.readableBytesView, as: UTF8.self) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                        }
                        entered = ["title": text("title"), "language": text("language"), "space": text("space")]
                        guard let space = spaces.first(where: { $0.value == entered["space"] }),
                            let documentSpace = DocumentSpace(kind: space.kind, id: space.id)
                        else { throw Problem(.invalidInput, detail: "Choose a space from the list.") }
                        guard let language = WebLanguage(entered["language"] ?? ""), language.code == entered["language"] else {
                            throw Problem(.invalidInput, detail: "Choose a language from the list.")
                        }
                        guard !(entered["title"] ?? "").isEmpty else { throw WebUploadError.noTitle }
                        guard let filename = file.filename, !filename.isEmpty else { throw WebUploadError.noFile }
                        let draft = DocumentDraft(space: documentSpace, titles: [language.code: entered["title"] ?? ""], language: language.code)
                        let document = try await documents.upload(
                            draft, filename: try DocumentRoutes.name(filename), body: reader.partBody(), by: actor, client: page.client
                        )
                        let done = document.latest?.state == .approved ? "document-uploaded" : "document-pending"
                        return page.redirect("/web/documents/\(document.id.uuidString.lowercased())?done=\(done)")
                    }
                } catch {
                    guard let failure = self.uploadError(error, page: page) else { throw error }
                    return await self.uploadForm(page, services: services, entered: entered, error: failure.message, status: failure.status)
                }
            },
            WebRoute(.get, "/web/documents/{documentId}", audience: .signedIn) { page in
                try await self.documentPage(page, services: services)
            },
            WebRoute(.post, "/web/documents/{documentId}/versions", audience: .signedIn) { page in
                let actor = try page.requireActor()
                let id = try page.id("documentId")
                do {
                    return try await DocumentRoutes.receiving(page.request, page.context) {
                        try await documents.authoriseNewVersion(of: id, by: actor)
                        var reader = try MultipartReader(request: page.request)
                        let (_, file) = try await reader.fields(beforeFile: "file", limit: 64 * 1024)
                        guard let filename = file.filename, !filename.isEmpty else { throw WebUploadError.noFile }
                        let document = try await documents.uploadVersion(
                            of: id, filename: try DocumentRoutes.name(filename), body: reader.partBody(), by: actor, client: page.client
                        )
                        let done = document.latest?.state == .pending ? "version-pending" : "version-uploaded"
                        return page.redirect("/web/documents/\(id.uuidString.lowercased())?done=\(done)")
                    }
                } catch {
                    guard let failure = self.uploadError(error, page: page) else { throw error }
                    return try await self.documentPage(page, services: services, error: failure.message, status: failure.status)
                }
            },
            WebRoute(.post, "/web/documents/{documentId}/delete", audience: .signedIn) { page in
                let actor = try page.requireActor()
                let id = try page.id("documentId")
                // Not found, then not allowed, then not confirmed: in that order, as HavenCore decides them.
                _ = try await documents.document(id, for: actor)
                guard await documents.mayChange(id, by: actor) else { throw AccountError.forbidden }
                guard page.form.isChecked("confirm") else {
                    return try await self.documentPage(page, services: services, error: page.t("doc_delete_unconfirmed"), status: .unprocessableContent)
                }
                try await documents.delete(id, by: actor, client: page.client)
                return page.redirect("/web/documents?done=document-deleted")
            },
        ]
    }

    /// A choice of space in the forms: the library, and each organisation the member belongs to.
    struct SpaceChoice {
        var value: String
        var kind: String
        var id: UUID?
        var label: String
    }

    /// The library and the member's organisations, by name in the page's language.
    static func spaces(_ page: WebRequest, services: HavenServices) async -> [SpaceChoice] {
        guard let actor = page.actor else { return [] }
        var choices = [SpaceChoice(value: "library", kind: "library", id: nil, label: page.t("doc_space_library"))]
        var organisations: [SpaceChoice] = []
        for id in actor.memberships.keys {
            guard let organisation = try? await services.organisations.read(id, by: actor) else { continue }
            organisations.append(SpaceChoice(
                value: "organisation:" + id.uuidString.lowercased(), kind: "organisation", id: id, label: page.localized(organisation.names)
            ))
        }
        choices += organisations.sorted { $0.label < $1.label }
        return choices
    }

    static func uploadForm(
        _ page: WebRequest, services: HavenServices, entered: [String: String] = [:], error: String? = nil, status: HTTPResponse.Status = .ok
    ) async -> Response {
        let spaces = await self.spaces(page, services: services)
        let language = entered["language"] ?? page.language.code
        let space = entered["space"] ?? "library"
        var data: [String: Any] = [
            "titleValue": entered["title"] ?? "",
            "languages": WebLanguage.all.map { ["code": $0.code, "name": $0.name, "selected": $0.code == language] },
            "spaces": spaces.map { ["value": $0.value, "label": $0.label, "selected": $0.value == space] },
        ]
        if let error { data["error"] = error }
        return page.page("doc-new", title: page.t("doc_new_title"), status: status, data)
    }

    static func documentPage(
        _ page: WebRequest, services: HavenServices, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let actor = try page.requireActor()
        let id = try page.id("documentId")
        let document = try await services.documents.document(id, for: actor)
        let versions = try await services.documents.versions(of: id, for: actor)
        let mayChange = await services.documents.mayChange(id, by: actor)
        let names = Dictionary(await self.spaces(page, services: services).map { ($0.value, $0.label) }) { first, _ in first }
        let idText = id.uuidString.lowercased()
        var data = self.summary(document, page: page)
        data["space"] = self.spaceLabel(document, names: names, page: page)
        if !document.descriptions.isEmpty {
            data["description"] = page.localized(document.descriptions)
            data["descriptionLang"] = self.chosenLanguage(document.descriptions, page: page)
        }
        data["versions"] = versions.sorted { $0.version > $1.version }.map { version in
            var row: [String: Any] = [
                "number": page.number(version.version), "when": page.date(version.createdAt), "size": self.size(version.size, page: page),
                "type": version.type.fileExtension.uppercased(), "state": page.t("doc_state_" + version.state.rawValue),
                "download": "/documents/\(idText)/versions/\(version.version)/content", "filename": version.filename,
            ]
            if let reason = version.reason { row["reason"] = reason }
            return row
        }
        data["mayChange"] = mayChange
        if let error { data["error"] = error }
        return page.page("doc-show", title: page.t("doc_show_title"), status: status, data)
    }

    /// What a list row and the document page show of a document.
    static func summary(_ document: Document, page: WebRequest) -> [String: Any] {
        var row: [String: Any] = [
            "id": document.id.uuidString.lowercased(), "docTitle": page.localized(document.titles),
            "titleLang": self.chosenLanguage(document.titles, page: page), "language": document.language,
            // The six are named in themselves (as in the language switcher); any other tag as it is.
            "languageName": WebLanguage.all.first { $0.code == document.language }?.name ?? document.language,
            "when": page.date(document.createdAt),
        ]
        if let latest = document.latest {
            row["type"] = latest.type.fileExtension.uppercased()
            row["size"] = self.size(latest.size, page: page)
            if latest.state != .approved { row["state"] = page.t("doc_state_" + latest.state.rawValue) }
        }
        return row
    }

    /// The language of the text `page.localized` picks from `texts`.
    static func chosenLanguage(_ texts: [String: String], page: WebRequest) -> String {
        if texts[page.language.code] != nil { return page.language.code }
        if texts["en"] != nil { return "en" }
        return texts.keys.sorted().first ?? page.language.code
    }

    static func spaceLabel(_ document: Document, names: [String: String], page: WebRequest) -> String {
        switch document.space {
        case "library": page.t("doc_space_library")
        case "organisation": names["organisation:" + (document.spaceId?.uuidString.lowercased() ?? "")] ?? page.t("doc_space_organisation")
        case "category": page.t("doc_space_category")
        default: page.t("doc_space_group")
        }
    }

    /// A size in kilobytes (at least 1), as the page's language writes numbers.
    static func size(_ bytes: Int64, page: WebRequest) -> String {
        page.t("doc_size_kb", ["size": page.number(Int(max(1, (bytes + 1023) / 1024)))])
    }

    static func cursor(_ text: String?) throws -> String? {
        guard let text else { return nil }
        guard UUID(uuidString: text) != nil else { throw Problem(.invalidInput, detail: "The page link is not valid.") }
        return text
    }

    static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: WebInterface.unreserved) ?? ""
    }

    /// An upload's failure as the form tells it, with its status; nil for what the error page says
    /// better (not found, not allowed).
    static func uploadError(_ error: any Error, page: WebRequest) -> (message: String, status: HTTPResponse.Status)? {
        switch error {
        case WebUploadError.noFile: return (page.t("doc_error_no_file"), .unprocessableContent)
        case WebUploadError.noTitle: return (page.t("doc_error_no_title"), .unprocessableContent)
        case let error as DocumentError:
            let status = HTTPResponse.Status(code: error.problem.status)
            switch error {
            case .tooLarge(let limit): return (page.t("doc_error_too_large", ["size": self.size(limit, page: page)]), status)
            case .quotaExceeded: return (page.t("doc_error_quota"), status)
            case .refusedType: return (page.t("doc_error_type"), status)
            case .infected: return (page.t("doc_error_infected"), status)
            case .scanFailed: return (page.t("doc_error_scan"), status)
            case .uploadInProgress: return (page.t("doc_error_in_progress"), status)
            case .incompleteUpload: return (page.t("doc_error_incomplete"), status)
            default: return nil
            }
        case let error as AccountError:
            if case .invalidInput = error { return (page.t("doc_error_invalid"), .unprocessableContent) }
            return nil
        case let problem as Problem:
            switch problem.status {
            case 413: return (page.t("doc_error_invalid"), .contentTooLarge)
            case 415: return (page.t("doc_error_no_file"), .unsupportedMediaType)
            case 422: return (page.t(problem.detail?.hasPrefix("The body has no part") == true ? "doc_error_no_file" : "doc_error_invalid"), .unprocessableContent)
            default: return nil
            }
        default: return nil
        }
    }
}

/// What the upload form itself refuses before HavenCore sees the file.
enum WebUploadError: Error {
    case noFile, noTitle
}
