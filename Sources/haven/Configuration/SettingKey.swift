import Foundation

/// One setting Haven reads: its key in the configuration file (`http.port`), the environment
/// variable that may also give it (`HAVEN_HTTP_PORT`), and whether it is a secret (never printed;
/// may instead name a file holding it, `HAVEN_…_FILE` or `…_file`).
struct SettingKey: Sendable, Hashable, CustomStringConvertible {
    let key: String
    let isSecret: Bool

    init(_ key: String, secret: Bool = false) {
        self.key = key
        self.isSecret = secret
    }

    /// `HAVEN_` and the key in capitals, dots as underscores.
    var environmentVariable: String {
        "HAVEN_" + self.key.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    /// The key of the variant naming a file that holds a secret's value.
    var fileKey: String { self.key + "_file" }

    var description: String { self.key }
}

extension SettingKey {
    static let mode = SettingKey("mode")
    static let dataDirectory = SettingKey("data_dir")
    static let databaseURL = SettingKey("database.url", secret: true)
    static let databasePassword = SettingKey("database.password", secret: true)
    static let poolSize = SettingKey("database.pool_size")
    static let logLevel = SettingKey("log.level")
    static let logFormat = SettingKey("log.format")
    static let host = SettingKey("http.host")
    static let port = SettingKey("http.port")
    static let publicURL = SettingKey("http.public_url")
    static let drainSeconds = SettingKey("http.drain_seconds")
    static let proxyProtocol = SettingKey("http.proxy_protocol")
    static let shutdownDelaySeconds = SettingKey("http.shutdown_delay_seconds")
    static let tlsCertificate = SettingKey("tls.cert")
    static let tlsKey = SettingKey("tls.key")
    static let tlsKeyPassword = SettingKey("tls.key_password", secret: true)
    static let tlsClientCA = SettingKey("tls.client_ca")
    static let tlsOCSPResponse = SettingKey("tls.ocsp_response")
    static let tlsMinimumVersion = SettingKey("tls.min_version")
    static let insecureHTTP = SettingKey("tls.insecure_http")
    static let secretKey = SettingKey("secret_key", secret: true)
    static let masterKey = SettingKey("master_key", secret: true)
    static let previousMasterKeyFiles = SettingKey("previous_master_key_files")
    static let argon2Memory = SettingKey("argon2.memory_kib")
    static let argon2Iterations = SettingKey("argon2.iterations")
    static let passwordMinimumLength = SettingKey("accounts.password_min_length")
    static let deletionGraceDays = SettingKey("accounts.deletion_grace_days")
    static let deletedPosts = SettingKey("accounts.deleted_posts")
    static let smtpHost = SettingKey("smtp.host")
    static let smtpPort = SettingKey("smtp.port")
    static let smtpSecurity = SettingKey("smtp.security")
    static let smtpUser = SettingKey("smtp.user")
    static let smtpPassword = SettingKey("smtp.password", secret: true)
    static let smtpCAFile = SettingKey("smtp.ca_file")
    static let mailFrom = SettingKey("mail.from")
    static let mailExcerpts = SettingKey("mail.excerpts")
    static let mailRetrySeconds = SettingKey("mail.retry_seconds")
    static let mailAttempts = SettingKey("mail.attempts")
    static let clamd = SettingKey("documents.clamd")
    static let exportRetentionDays = SettingKey("exports.retention_days")
    static let metricsHost = SettingKey("metrics.host")
    static let metricsPort = SettingKey("metrics.port")
    static let retentionAddressesDays = SettingKey("retention.addresses_days")
    static let retentionSessionsDays = SettingKey("retention.sessions_days")
    static let retentionTokensDays = SettingKey("retention.tokens_days")
    static let retentionNotificationsDays = SettingKey("retention.notifications_days")
    static let retentionSentMailDays = SettingKey("retention.sent_mail_days")
    static let retentionDeletedPostsDays = SettingKey("retention.deleted_posts_days")
    static let retentionDeletedDocumentsDays = SettingKey("retention.deleted_documents_days")
    static let retentionAuditDays = SettingKey("retention.audit_days")

    /// The retention periods, in the order of `RetentionPolicy.Kind`.
    static let retention: [SettingKey] = [
        .retentionAddressesDays, .retentionSessionsDays, .retentionTokensDays, .retentionNotificationsDays, .retentionSentMailDays,
        .retentionDeletedPostsDays, .retentionDeletedDocumentsDays, .retentionAuditDays,
    ]

    /// Every setting, in the order `haven config check` prints them.
    static let all: [SettingKey] = [
        .mode, .dataDirectory, .databaseURL, .databasePassword, .poolSize, .logLevel, .logFormat,
        .host, .port, .publicURL, .drainSeconds, .shutdownDelaySeconds, .proxyProtocol,
        .tlsCertificate, .tlsKey, .tlsKeyPassword, .tlsClientCA, .tlsOCSPResponse, .tlsMinimumVersion, .insecureHTTP,
        .secretKey, .masterKey, .previousMasterKeyFiles, .argon2Memory, .argon2Iterations, .passwordMinimumLength,
        .deletionGraceDays, .deletedPosts,
        .smtpHost, .smtpPort, .smtpSecurity, .smtpUser, .smtpPassword, .smtpCAFile,
        .mailFrom, .mailExcerpts, .mailRetrySeconds, .mailAttempts, .clamd, .exportRetentionDays, .metricsHost, .metricsPort,
    ] + Self.retention
}
