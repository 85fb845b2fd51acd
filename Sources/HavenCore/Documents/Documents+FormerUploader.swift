import Foundation
import PostgresClient

extension Documents {
    /// Forgets a member whose account is being erased, on `connection` (inside the purge's
    /// transaction, before the account row goes). Returns how many documents were shredded.
    ///
    /// Documents they uploaded are crypto-shredded: deleting a document deletes its versions —
    /// with them the wrapped data keys, without which no copy of the ciphertext (a backup, a
    /// replica's old pages) can be read again — and their encrypted chunks (the foreign keys
    /// cascade). Documents an organisation owns (`organisation_id` set, or kept in an
    /// organisation's space) are the organisation's: they stay, and deleting the account row
    /// clears their uploader, deleter and decider ids (`ON DELETE SET NULL`), as it does for
    /// versions they uploaded to other people's documents.
    static func forget(_ account: UUID, on connection: PostgresConnection) async throws -> Int {
        try await connection.execute(
            """
            DELETE FROM documents
            WHERE uploader_id = \(account) AND organisation_id IS NULL AND space_kind <> 'organisation'
            """
        )
    }
}
