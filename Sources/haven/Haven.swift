import ArgumentParser

/// The `haven` command: serve the platform, migrate its database, run development tasks.
@main
struct Haven: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "haven",
        abstract: "Haven: a secure knowledge-sharing platform for civil-society organisations.",
        discussion: """
            Without --database-url (or HAVEN_DATABASE_URL), Haven runs its own PostgreSQL in the \
            data folder (./.haven by default), creating it on first use.
            """,
        subcommands: [Serve.self, Migrate.self, Config.self, Admin.self, Audit.self, Development.self],
        defaultSubcommand: nil
    )
}
