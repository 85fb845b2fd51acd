import PostgresClient

/// Haven's database schema: the numbered SQL files of this folder, embedded at build time.
public enum HavenSchema {
    /// Every migration, in version order.
    /// - Throws: `MigrationError` when a file is misnamed or two share a version.
    public static func migrations() throws(MigrationError) -> [Migration] {
        var migrations: [Migration] = []
        for file in EmbeddedFiles.all where file.name.hasSuffix(".sql") {
            migrations.append(try Migration(fileName: file.name, sql: file.contents))
        }
        return migrations
    }

    /// A migrator over every migration.
    public static func migrator() throws(MigrationError) -> Migrator {
        try Migrator(migrations: migrations())
    }
}
