import Foundation
import HavenCore
import Logging

extension HavenConfiguration {
    /// The transport: the configured SMTP server, or the log.
    func mailTransport(logger: Logger) throws -> any MailTransport {
        guard let host = self.mail.smtpHost else {
            logger.notice("no SMTP server configured (smtp.host): mail is written to the log, tokens redacted")
            return LogMailTransport(logger: logger)
        }
        return try SMTPClient(
            configuration: SMTPConfiguration(
                host: host, port: self.mail.smtpPort, security: self.mail.smtpSecurity, username: self.mail.smtpUser,
                password: self.mail.smtpUser == nil ? nil : self.mail.smtpPassword, trustedCAPath: self.mail.smtpCAFile
            )
        )
    }

    var mailPolicy: MailOutbox.Policy {
        var policy = MailOutbox.Policy()
        policy.firstRetry = .seconds(self.mail.retrySeconds)
        policy.maximumAttempts = self.mail.attempts
        return policy
    }

    /// The address users reach Haven at: as given, else this server's own.
    var effectivePublicURL: String {
        self.publicURL ?? "\(self.tls.insecureHTTP ? "http" : "https")://\(self.host):\(self.port)"
    }

    /// The From address: as given, else haven@ the public URL's host.
    var mailSender: String {
        self.mail.from ?? "haven@\(URL(string: self.effectivePublicURL)?.host ?? "localhost")"
    }
}
