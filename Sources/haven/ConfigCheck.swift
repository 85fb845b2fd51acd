import ArgumentParser
import Configuration
import Foundation
import HavenCore
import Logging
import PostgresClient

/// `haven config …`: look at the configuration without starting anything.
struct Config: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the configuration.",
        subcommands: [ConfigCheck.self]
    )
}

/// `haven config check`: validate every setting and print the result, secrets redacted.
struct ConfigCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration (flags, HAVEN_… variables, the --config file) and print it, secrets redacted.",
        discussion: """
            Each key may be set in the JSON file (nested objects: {"http": {"port": 8443}}), as the \
            environment variable HAVEN_ followed by the key in capitals with underscores \
            (HAVEN_HTTP_PORT), or by a serve flag. Secrets may instead name a file: master_key_file, \
            HAVEN_MASTER_KEY_FILE. Unknown keys and variables are errors. Exits 1 with one line naming \
            the key when a value is wrong.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var serving: ServeOptions
    @OptionGroup var tls: TLSOptions
    @OptionGroup var secrets: SecretOptions
    @OptionGroup var mail: MailOptions
    @OptionGroup var retention: RetentionOptions

    func run() async throws {
        let configuration = try await self.database.configuration(self.serving, self.tls, self.secrets, self.mail, self.retention)
        do { try configuration.checkServable() } catch { throw ValidationFailure(error) }
        print("Configuration is valid (mode \(configuration.mode.rawValue)):")
        for (key, value) in configuration.summary {
            print("  \(key) = \(value)")
        }
    }
}

extension HavenConfiguration {
    /// Every setting's effective value, for `haven config check`; secrets show only whether set.
    var summary: [(String, String)] {
        func secret(_ value: Any?) -> String { value == nil ? "(not set)" : "<redacted>" }
        func text(_ value: String?) -> String { value.map { "\"\($0)\"" } ?? "(not set)" }
        return [
            ("mode", self.mode.rawValue),
            ("data_dir", text(self.dataDirectory)),
            ("database.url", self.databaseURL.map { "\"\(Self.redactingPassword($0))\"" } ?? "(embedded server in data_dir)"),
            ("database.password", secret(self.databasePassword)),
            ("database.pool_size", "\(self.poolSize)"),
            ("log.level", self.logLevel.rawValue),
            ("log.format", self.logFormat.rawValue),
            ("http.host", text(self.host)),
            ("http.port", "\(self.port)"),
            ("http.public_url", text(self.effectivePublicURL)),
            ("http.drain_seconds", "\(self.drainSeconds)"),
            ("http.shutdown_delay_seconds", "\(self.shutdownDelaySeconds)"),
            ("http.proxy_protocol", "\(self.proxyProtocol)"),
            ("tls.cert", self.tls.certificate.map { "\"\($0)\"" } ?? (self.tls.insecureHTTP ? "(none: plain HTTP)" : "(development certificate)")),
            ("tls.key", text(self.tls.key)),
            ("tls.key_password", secret(self.tls.keyPassword)),
            ("tls.client_ca", text(self.tls.clientCA)),
            ("tls.ocsp_response", text(self.tls.ocspResponse)),
            ("tls.min_version", self.tls.minimumVersion),
            ("tls.insecure_http", "\(self.tls.insecureHTTP)"),
            ("secret_key", self.secretKey == nil ? "(made in data_dir)" : "<redacted>"),
            ("master_key", self.masterKey == nil ? "(made in data_dir)" : "<redacted>"),
            ("previous_master_key_files", "\(self.previousMasterKeyFiles)"),
            ("argon2.memory_kib", "\(self.argon2Memory)"),
            ("argon2.iterations", "\(self.argon2Iterations)"),
            ("accounts.password_min_length", "\(self.passwordMinimumLength)"),
            ("accounts.deletion_grace_days", "\(self.deletionGraceDays)"),
            ("accounts.deleted_posts", self.deletedPosts.rawValue),
            ("smtp.host", self.mail.smtpHost.map { "\"\($0)\"" } ?? "(none: mail is written to the log)"),
            ("smtp.port", "\(self.mail.smtpPort)"),
            ("smtp.security", self.mail.smtpSecurity.rawValue),
            ("smtp.user", text(self.mail.smtpUser)),
            ("smtp.password", secret(self.mail.smtpPassword)),
            ("smtp.ca_file", text(self.mail.smtpCAFile)),
            ("mail.from", text(self.mailSender)),
            ("mail.excerpts", "\(self.mail.excerpts)"),
            ("mail.retry_seconds", "\(self.mail.retrySeconds)"),
            ("mail.attempts", "\(self.mail.attempts)"),
            ("documents.clamd", self.clamd.map { "\($0)" } ?? "(none)"),
            ("exports.retention_days", "\(self.exportRetentionDays)"),
            ("metrics.host", text(self.metricsHost)),
            ("metrics.port", "\(self.metricsPort)"),
        ] + self.retentionSummary
    }

    /// A database URL as libpq reads it, without its password.
    static func redactingPassword(_ url: String) -> String {
        guard let parsed = try? PostgresConfiguration(url: url) else { return "<unparsable>" }
        return parsed.parameters.map { $0.keyword == "password" ? "password=<redacted>" : "\($0.keyword)=\($0.value)" }
            .joined(separator: " ")
    }
}
