import ArgumentParser
import Configuration
import Logging

/// The settings every command shares: where the configuration file, the database and the data
/// folder are, and how to log. Each is also a setting (`Settings`); a flag given here wins.
struct DatabaseOptions: ParsableArguments, ConfigurationFlags {
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp("JSON configuration file (keys as in `haven config check`). Default: $HAVEN_CONFIG, else none.", valueName: "path")
    )
    var configFile: String?

    @Option(name: .customLong("mode"), help: "development (makes missing keys and a self-signed certificate) or production (requires them). Default: development.")
    var mode: String?

    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(
            "PostgreSQL URL, e.g. postgresql://haven@db.internal/haven?sslmode=verify-full. Default: $HAVEN_DATABASE_URL, else the embedded server.",
            valueName: "url"
        )
    )
    var databaseURL: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Folder for the embedded PostgreSQL and development files. Default: .haven.", valueName: "path"))
    var dataDirectory: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical. Default: info.")
    var logLevel: String?

    @Option(name: .customLong("log-format"), help: "json (one object per line) or text. Default: json in production, text in development.")
    var logFormat: String?

    var flags: [String: ConfigContent] {
        var flags: [String: ConfigContent] = [:]
        flags.set(.mode, self.mode)
        flags.set(.databaseURL, self.databaseURL)
        flags.set(.dataDirectory, self.dataDirectory)
        flags.set(.logLevel, self.logLevel)
        flags.set(.logFormat, self.logFormat)
        return flags
    }

    /// The configuration from these options, `others`, the environment and the configuration file.
    func configuration(_ others: any ConfigurationFlags...) async throws -> HavenConfiguration {
        do {
            return try await HavenConfiguration.load(flags: [self] + others, file: self.configFile)
        } catch {
            throw ValidationFailure(error)
        }
    }
}
