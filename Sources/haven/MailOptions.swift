import ArgumentParser
import Configuration

/// Where Haven hands its mail to, as flags. Without an SMTP host, mail goes to the log (development).
struct MailOptions: ParsableArguments, ConfigurationFlags {
    @Option(name: .customLong("smtp-host"), help: "Mail server to send through. Default: none; mail is written to the log.")
    var smtpHost: String?

    @Option(name: .customLong("smtp-port"), help: "Mail server port. Default: 587.")
    var smtpPort: Int?

    @Option(
        name: .customLong("smtp-security"),
        help: ArgumentHelp("starttls (the default: required, certificate verified) or none (a relay on a trusted network; no credentials).", valueName: "mode")
    )
    var smtpSecurity: String?

    @Option(name: .customLong("smtp-user"), help: "User name for SMTP AUTH (sent only over TLS).")
    var smtpUser: String?

    @Option(
        name: .customLong("smtp-password-file"),
        help: ArgumentHelp("File holding the SMTP password. Default: $HAVEN_SMTP_PASSWORD or $HAVEN_SMTP_PASSWORD_FILE.", valueName: "path")
    )
    var smtpPasswordFile: String?

    @Option(name: .customLong("smtp-ca-file"), help: ArgumentHelp("CA certificates (PEM) to verify the mail server with. Default: the system's.", valueName: "path"))
    var smtpCAFile: String?

    @Option(name: .customLong("mail-from"), help: ArgumentHelp("From address of Haven's mail. Default: haven@<host of the public URL>.", valueName: "email"))
    var mailFrom: String?

    @Flag(name: .customLong("mail-excerpts"), help: "Let notification mail quote titles and reasons (off: mail only says that something happened).")
    var mailExcerpts = false

    @Option(name: .customLong("mail-retry-seconds"), help: "Pause after a message's first failed attempt; it doubles with each further one. Default: 60.")
    var mailRetrySeconds: Int?

    @Option(name: .customLong("mail-attempts"), help: "Attempts before a message is given up. Default: 8.")
    var mailAttempts: Int?

    var flags: [String: ConfigContent] {
        var flags: [String: ConfigContent] = [:]
        flags.set(.smtpHost, self.smtpHost)
        flags.set(.smtpPort, self.smtpPort)
        flags.set(.smtpSecurity, self.smtpSecurity)
        flags.set(.smtpUser, self.smtpUser)
        flags.set(SettingKey(SettingKey.smtpPassword.fileKey), self.smtpPasswordFile)
        flags.set(.smtpCAFile, self.smtpCAFile)
        flags.set(.mailFrom, self.mailFrom)
        flags.set(.mailExcerpts, flag: self.mailExcerpts)
        flags.set(.mailRetrySeconds, self.mailRetrySeconds)
        flags.set(.mailAttempts, self.mailAttempts)
        return flags
    }
}
