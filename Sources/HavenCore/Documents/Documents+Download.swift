import Foundation
import Logging
import NIOCore
import OpenSSLTLS
import PostgresClient

extension Documents {
    /// Prepares a download of `version` (nil: the newest the viewer may read) of a document, or
    /// of `range` within it; throws `DocumentError.rangeNotSatisfiable` for a range outside it.
    public func download(_ id: UUID, version: Int?, range: ByteRange?, for actor: Actor) async throws -> DocumentDownload {
        guard let document = try await self.storedDocument(id) else { throw AccountError.notFound }
        let rules = try await self.rules(for: document.space)
        let readable = try await self.storedVersions(of: id).filter { Self.mayRead($0.version, of: document, rules: rules, actor: actor) }
        let chosen = if let version { readable.first { $0.version.version == version } } else { readable.first }
        guard let chosen else { throw AccountError.notFound }
        let size = chosen.version.size
        var bytes: ClosedRange<Int64>? = size > 0 ? 0...(size - 1) : nil
        if let range {
            guard let resolved = range.resolved(size: size) else { throw DocumentError.rangeNotSatisfiable(size: size) }
            bytes = resolved
        }
        let dataKey = try self.keys.key(id: chosen.keyID).unwrap(chosen.wrappedKey, document: id, version: chosen.version.version)
        return DocumentDownload(
            document: id, version: chosen.version, bytes: bytes, partial: range != nil, chunkSize: chosen.chunkSize,
            chunkCount: chosen.chunkCount, dataKey: dataKey
        )
    }

    /// Streams a download's bytes to `write`, one chunk at a time: each fetched (the next while the
    /// current one is written), authenticated and decrypted. A chunk that fails authentication
    /// stops the download, is logged and audited as an integrity alarm, and throws.
    public func stream(_ download: DocumentDownload, into write: (ByteBuffer) async throws -> Void) async throws {
        guard let bytes = download.bytes else { return }
        let chunkSize = Int64(download.chunkSize)
        let first = Int(bytes.lowerBound / chunkSize)
        let last = Int(bytes.upperBound / chunkSize)
        let pool = self.pool
        let document = download.document
        let version = download.version.version
        // Each chunk is opened where it was read, and its plaintext sent from there: one buffer
        // per chunk (of 512 KiB, chunks being sized so that sealed they fit one).
        let counter = self.downloads
        @Sendable func fetch(_ number: Int) async throws -> ByteBuffer? {
            counter.read()
            return try await pool.query(
                "SELECT sealed FROM document_chunks WHERE document_id = \(document) AND version = \(version) AND number = \(number)"
            ).first?.decode(column: 0, as: ByteBuffer.self)
        }
        // Chunks are fetched ahead while the current one is written, so the database and the
        // connection work at the same time: a share of a fixed read-ahead budget, so that many
        // downloads at once hold no more than a few at a time.
        _ = self.downloads.begin()
        defer { self.downloads.end() }
        // The share is taken again before each fetch, as downloads start and finish.
        func depth() -> Int { max(1, self.configuration.readAheadBytes / (max(1, self.downloads.current) * download.chunkSize)) }
        var ahead: [Task<ByteBuffer?, any Error>] = [Task { try await fetch(first) }]
        var fetched = first
        defer { ahead.forEach { $0.cancel() } }
        for number in first...last {
            while fetched < last, fetched - number < depth() {
                fetched += 1
                ahead.append(Task { [fetched] in try await fetch(fetched) })
            }
            let plaintext: ByteBuffer
            do {
                guard var sealed = try await ahead.removeFirst().value else { throw CryptoError.authenticationFailed }
                let context = Self.chunkContext(document: document, version: version, chunk: number, final: number == download.chunkCount - 1)
                plaintext = try AESGCM.openInPlace(&sealed, key: download.dataKey, authenticatedData: context)
                let expected = number == download.chunkCount - 1 ? download.version.size - Int64(number) * chunkSize : chunkSize
                guard Int64(plaintext.readableBytes) == expected else { throw CryptoError.authenticationFailed }
            } catch is CryptoError {
                await self.raiseIntegrityAlarm(document: document, version: version, chunk: number)
                throw DocumentError.integrityFailure(document: document, version: version, chunk: number)
            }
            let start = Int64(number) * chunkSize
            let from = Int(max(bytes.lowerBound - start, 0))
            let to = Int(min(bytes.upperBound - start, Int64(plaintext.readableBytes) - 1))
            guard let slice = plaintext.getSlice(at: plaintext.readerIndex + from, length: to - from + 1) else { return }
            try await write(slice)
        }
    }

    /// Chunks downloads have read from the database since the server started: with the bytes
    /// sent, it shows how far reading runs ahead of a slow client (it must not).
    public var chunksRead: Int { self.downloads.chunksRead }

    /// Logs and audits a chunk that failed authentication: someone or something altered stored data.
    func raiseIntegrityAlarm(document: UUID, version: Int, chunk: Int) async {
        self.logger.critical(
            "document chunk failed authentication: stored data was altered or damaged",
            metadata: ["document": "\(document)", "version": "\(version)", "chunk": "\(chunk)"]
        )
        try? await self.audit.record(
            AuditEvent(
                actor: nil, action: "document.integrity-failure", target: "document:\(document)", outcome: .failure,
                details: ["version": String(version), "chunk": String(chunk)]
            )
        )
    }
}
