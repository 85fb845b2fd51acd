import PostgresClient

/// Checks that this instance holds the keys the installation runs with, before it serves:
/// the server secret (CSRF tokens, throttling keys, two-factor secrets) and the master key
/// (documents). The first instance records their fingerprints; any other must match.
///
/// A master key being rotated to is accepted when the recorded one is among the previous keys
/// given, and becomes the recorded one; an instance still on the old key alone is then refused.
public enum InstallationKeys {
    public static func verify(secret: ServerSecret, keys: MasterKeyring, pool: PostgresPool) async throws {
        try await pool.withTransaction { connection in
            try await connection.execute(
                """
                INSERT INTO installation_keys (name, fingerprint)
                VALUES ('server-secret', \(secret.fingerprint)), ('master-key', \(keys.current.id))
                ON CONFLICT (name) DO NOTHING
                """
            )
            var recorded: [String: String] = [:]
            for row in try await connection.query("SELECT name, fingerprint FROM installation_keys FOR UPDATE") {
                let (name, fingerprint) = try row.decode((String, String).self)
                recorded[name] = fingerprint
            }
            if let fingerprint = recorded["server-secret"], fingerprint != secret.fingerprint {
                throw InstallationKeyError.serverSecretDiffers
            }
            if let id = recorded["master-key"], id != keys.current.id {
                guard keys.previous.contains(where: { $0.id == id }) else { throw InstallationKeyError.masterKeyDiffers(recorded: id) }
                try await connection.execute(
                    "UPDATE installation_keys SET fingerprint = \(keys.current.id), recorded_at = now() WHERE name = 'master-key'"
                )
            }
            // Installations older than this check: every document key must be one this keyring opens.
            let ids = [keys.current.id] + keys.previous.map(\.id)
            if let row = try await connection.query("SELECT key_id FROM document_versions WHERE key_id <> ALL(\(ids)) LIMIT 1").first {
                throw InstallationKeyError.masterKeyDiffers(recorded: try row.decode(column: 0, as: String.self))
            }
        }
    }
}

/// This instance's keys are not the installation's.
public enum InstallationKeyError: Error, CustomStringConvertible {
    case serverSecretDiffers
    case masterKeyDiffers(recorded: String)

    public var description: String {
        switch self {
        case .serverSecretDiffers:
            "secret_key: not the server secret this installation runs with; every instance must be given the same one"
        case .masterKeyDiffers(let recorded):
            "master_key: documents are sealed under master key \(recorded), which this instance was not given (as master_key or a previous master key)"
        }
    }
}
