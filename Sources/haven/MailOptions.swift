import ArgumentParser
import Foundation
import HavenCore
import Logging

/// Where Haven hands its mail to. Without `--smtp-host`, mail goes to the log (development).
struct MailOptions: ParsableArguments {
    @Option(name: .customLong("smtp-host"), help: "Mail server to send through. Default: none; mail is written to the log.")
    var smtpHost: String?

    @Option(name: .customLong("smtp-port"), help: "Mail server port.")
    var smtpPort = 587

    @Option(
        name: .customLong("smtp-security"),
        help: ArgumentHelp("starttls (required, certificate verified) or none (a relay on a trusted network; no credentials).", valueName: "mode")
    )
    var smtpSecurity = "starttls"

    @Option(name: .customLong("smtp-user"), help: "User name for SMTP AUTH (sent only over TLS).")
    var smtpUser: String?

    @Option(
        name: .customLong("smtp-password-file"),
        help: ArgumentHelp("File holding the SMTP password. Default: $HAVEN_SMTP_PASSWORD.", valueName: "path")
    )
    var smtpPasswordFile: String?

    @Option(name: .customLong("smtp-ca-file"), help: ArgumentHelp("CA certificates (PEM) to verify the mail server with. Default: the system's.", valueName: "path"))
    var smtpCAFile: String?

    @Option(name: .customLong("mail-from"), help: ArgumentHelp("From address of Haven's mail. Default: haven@<host of --public-url>.", valueName: "email"))
    var mailFrom: String?

    @Flag(name: .customLong("mail-excerpts"), help: "Let notification mail quote titles and reasons (off: mail only says that something happened).")
    var mailExcerpts = false

    @Option(name: .customLong("mail-retry-seconds"), help: "Pause after a message's first failed attempt; it doubles with each further one.")
    var mailRetrySeconds = 60

    @Option(name: .customLong("mail-attempts"), help: "Attempts before a message is given up.")
    var mailAttempts = 8

    /// The transport: the configured SMTP server, or the log.
    func transport(logger: Logger) throws -> any MailTransport {
        guard let host = self.smtpHost else {
            logger.notice("no SMTP server configured (--smtp-host): mail is written to the log, tokens redacted")
            return LogMailTransport(logger: logger)
        }
        guard let security = SMTPConfiguration.Security(rawValue: self.smtpSecurity) else {
            throw ValidationError("--smtp-security is starttls or none")
        }
        guard (1...65_535).contains(self.smtpPort) else { throw ValidationError("--smtp-port is 1–65535") }
        var password: String?
        if let file = self.smtpPasswordFile {
            password = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines)
        } else {
            password = ProcessInfo.processInfo.environment["HAVEN_SMTP_PASSWORD"]
        }
        if self.smtpUser != nil, security == .none {
            throw ValidationError("--smtp-user needs --smtp-security starttls: credentials are never sent in the clear")
        }
        return try SMTPClient(
            configuration: SMTPConfiguration(
                host: host, port: self.smtpPort, security: security, username: self.smtpUser, password: self.smtpUser == nil ? nil : password,
                trustedCAPath: self.smtpCAFile
            )
        )
    }

    func policy() throws -> MailOutbox.Policy {
        guard self.mailRetrySeconds > 0, self.mailAttempts > 0 else { throw ValidationError("--mail-retry-seconds and --mail-attempts are positive") }
        var policy = MailOutbox.Policy()
        policy.firstRetry = .seconds(self.mailRetrySeconds)
        policy.maximumAttempts = self.mailAttempts
        return policy
    }

    /// The From address: as given, else haven@ the public URL's host.
    func sender(publicURL: String) -> String {
        self.mailFrom ?? "haven@\(URL(string: publicURL)?.host ?? "localhost")"
    }
}
