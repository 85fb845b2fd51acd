import Foundation
import NIOCore
import PostgresClient

extension Consultations {
    /// Submitted contributions read per statement while exporting: memory stays bounded by a page
    /// however many organisations answered.
    static let exportPage = 50

    /// A submitted contribution as exported, with its organisation's name and country.
    struct ExportedContribution: Sendable {
        let contribution: Contribution
        let name: String
        let country: String
        let submitted: Date
    }

    /// Writes every submitted contribution as CSV (staff only): one row per organisation, a
    /// column per question, read a page at a time so that a large consultation streams. Drafts
    /// are never exported. The export is audited before its first byte.
    public func exportAnswers(of id: UUID, by actor: Actor, into write: (String) async throws -> Void) async throws {
        let consultation = try await self.exporting(id, format: "csv", by: actor)
        try await self.writeAnswers(of: consultation, into: write)
    }

    /// Writes a ZIP archive (staff only): `answers.csv` first, then each submitted contribution's
    /// documents, at the version the organisation attached, in a folder per organisation. Each
    /// document is decrypted and sent chunk by chunk as the client reads, so the server holds a
    /// few chunks at a time, not the archive.
    public func exportDocuments(of id: UUID, by actor: Actor, into write: (ByteBuffer) async throws -> Void) async throws {
        let consultation = try await self.exporting(id, format: "zip", by: actor)
        var zip = ZipStream()
        try await write(zip.beginEntry("answers.csv", modified: Date()))
        try await self.writeAnswers(of: consultation) { text in
            let bytes = ByteBuffer(string: text)
            zip.write(bytes)
            try await write(bytes)
        }
        try await write(zip.endEntry())
        try await self.forEachSubmitted(consultation.id) { exported in
            var names: Set<String> = []
            let folder = Self.fileName("\(exported.name) (\(exported.contribution.organisationID.uuidString.prefix(8)))")
            for attachment in exported.contribution.documents {
                let download: DocumentDownload
                do {
                    download = try await self.documents.download(attachment.documentID, version: attachment.version, range: nil, for: actor)
                } catch AccountError.notFound {
                    continue  // purged since: its contents are gone
                }
                var name = Self.fileName(download.version.filename)
                var copy = 1
                while !names.insert(name).inserted {
                    copy += 1
                    name = Self.fileName("\(copy) \(download.version.filename)")
                }
                try await write(zip.beginEntry("\(folder)/\(name)", modified: download.version.createdAt))
                try await self.documents.stream(download) { bytes in
                    zip.write(bytes)
                    try await write(bytes)
                }
                try await write(zip.endEntry())
            }
        }
        try await write(zip.finish())
    }

    /// The consultation, once staff may export it; audits the export.
    private func exporting(_ id: UUID, format: String, by actor: Actor) async throws -> Consultation {
        try Access.require(actor, .manageConsultations)
        guard let consultation = try await self.load(id) else { throw AccountError.notFound }
        try await self.audit.record(
            AuditEvent(actor: actor.accountID, action: "consultation.export", target: "consultation:\(id)", details: ["format": format])
        )
        return consultation
    }

    private func writeAnswers(of consultation: Consultation, into write: (String) async throws -> Void) async throws {
        let questions = consultation.questions
        func prompt(_ question: ConsultationQuestion) -> String {
            question.prompts["en"] ?? question.prompts.sorted { $0.key < $1.key }.first?.value ?? ""
        }
        try await write(
            CSV.byteOrderMark
                + CSV.line(["organisation_id", "organisation", "country", "submitted_at", "publication", "documents"]
                    + questions.map { "\($0.id): \(prompt($0))" })
        )
        try await self.forEachSubmitted(consultation.id) { exported in
            let contribution = exported.contribution
            try await write(
                CSV.line(
                    [
                        contribution.organisationID.uuidString, exported.name, exported.country,
                        exported.submitted.formatted(.iso8601), contribution.publication.rawValue, String(contribution.documents.count),
                    ] + questions.map { contribution.answers[$0.id] ?? "" }
                )
            )
        }
    }

    /// Calls `body` with each submitted contribution, in order of submission, a page at a time.
    /// Pages by offset: a submission is never withdrawn and a new one sorts last, so the pages
    /// already read do not shift (a keyset on the timestamp would depend on it surviving the trip
    /// through `Date` to the microsecond).
    private func forEachSubmitted(_ id: UUID, _ body: (ExportedContribution) async throws -> Void) async throws {
        var offset = 0
        while true {
            let rows = try await self.pool.query(
                """
                SELECT \(fragment: Self.contributionColumns), coalesce(o.names->>'en', (SELECT min(value) FROM jsonb_each_text(o.names))), o.country
                FROM consultation_contributions k JOIN organisations o ON o.id = k.organisation_id
                WHERE k.consultation_id = \(id) AND k.submitted_at IS NOT NULL
                ORDER BY k.submitted_at, k.organisation_id LIMIT \(Self.exportPage) OFFSET \(offset)
                """
            )
            for row in rows {
                let contribution = try Self.contribution(from: row)
                let (name, country) = try row.decode((String?, String).self, startingAt: 8)
                guard let submitted = contribution.submittedAt else { continue }
                try await body(ExportedContribution(contribution: contribution, name: name ?? "", country: country, submitted: submitted))
            }
            offset += rows.count
            if rows.count < Self.exportPage { return }
        }
    }

    /// A name safe as a path component in any unzip tool: no separators, control characters or
    /// characters Windows refuses, no leading dots, at most 100 characters.
    static func fileName(_ name: String) -> String {
        let forbidden = Set("/\\:*?\"<>|".unicodeScalars)
        var cleaned = String(String.UnicodeScalarView(name.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || forbidden.contains(scalar) ? "_" : scalar
        }))
        while cleaned.hasPrefix(".") { cleaned.removeFirst() }
        cleaned = String(cleaned.prefix(100)).trimmingCharacters(in: .whitespaces)
        return cleaned.isEmpty ? "document" : cleaned
    }
}
