/// Why migrations cannot be applied, or why the server refuses to start on this database.
public enum MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file in Schema/ is not named `NNNN_description.sql`.
    case invalidFileName(String)
    /// Two files share a version number.
    case duplicateVersion(Int, names: [String])
    /// An applied migration's SQL differs from what was applied.
    case changed(version: Int, name: String, recordedChecksum: String, currentChecksum: String)
    /// The database has a migration applied that this binary does not carry.
    case unknown(version: Int, name: String)
    /// Migrations are waiting to be applied (`haven migrate`).
    case pending(names: [String])
    /// A migration failed; it was rolled back.
    case failed(name: String, PostgresError)

    public var description: String {
        switch self {
        case .invalidFileName(let name):
            "migration file \(name) is not named NNNN_description.sql"
        case .duplicateVersion(let version, let names):
            "migrations \(names.joined(separator: " and ")) share version \(version)"
        case .changed(let version, let name, let recorded, let current):
            "migration \(name) (version \(version)) has changed since it was applied: recorded checksum \(recorded), "
                + "now \(current). Restore the file as it was and put the change in a new migration."
        case .unknown(let version, let name):
            "the database has migration \(name) (version \(version)) applied, which this binary does not know; "
                + "it was probably migrated by a newer version of Haven"
        case .pending(let names):
            "\(names.count) migration(s) pending: \(names.joined(separator: ", ")); run `haven migrate`"
        case .failed(let name, let error):
            "migration \(name) failed and was rolled back: \(error)"
        }
    }
}
