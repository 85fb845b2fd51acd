import Configuration
import Foundation
import HavenCore
import Logging
import PostgresClient

/// Every setting `haven` runs with, resolved and checked: see `Settings` for where each comes
/// from. An invalid value stops the command with one line naming the key (`ConfigurationError`).
struct HavenConfiguration: Sendable {
    /// Development makes what is missing (keys, a self-signed certificate) in the data folder;
    /// production insists that they are given, so that nothing secret is made and lost silently.
    enum Mode: String, Sendable, CaseIterable {
        case development, production
    }

    enum LogFormat: String, Sendable, CaseIterable {
        case json, text
    }

    var mode: Mode
    var dataDirectory: String
    var databaseURL: String?
    var databasePassword: String?
    var poolSize: Int
    var logLevel: Logger.Level
    var logFormat: LogFormat
    var host: String
    var port: Int
    var publicURL: String?
    var drainSeconds: Int
    /// After SIGTERM, how long to go on accepting while balancers notice `/readyz` (Kubernetes
    /// takes a moment to stop routing to a terminating pod).
    var shutdownDelaySeconds: Int
    /// Connections come from a TCP balancer that starts each with a PROXY header.
    var proxyProtocol: Bool
    var tls: TLSSettings
    var secretKey: Data?
    var masterKey: Data?
    var previousMasterKeyFiles: [String]
    var argon2Memory: Int
    var argon2Iterations: Int
    var passwordMinimumLength: Int
    /// Days between a deletion request and the account's erasure.
    var deletionGraceDays: Int
    /// What becomes of deleted members' posts.
    var deletedPosts: DeletedPostsPolicy
    var mail: MailSettings
    var clamd: VirusScanner.Address?
    /// Days a prepared data export waits for its one download before it is shredded.
    var exportRetentionDays: Int
    var metricsHost: String
    var metricsPort: Int
    /// How long each kind of record is kept (`retention.…_days`).
    var retention: RetentionPolicy

    /// Where connections are secured, and with what.
    struct TLSSettings: Sendable {
        var certificate: String?
        var key: String?
        var keyPassword: String?
        var clientCA: String?
        var ocspResponse: String?
        var minimumVersion: String
        var insecureHTTP: Bool
    }

    /// Where mail goes, and how hard Haven tries.
    struct MailSettings: Sendable {
        var smtpHost: String?
        var smtpPort: Int
        var smtpSecurity: SMTPConfiguration.Security
        var smtpUser: String?
        var smtpPassword: String?
        var smtpCAFile: String?
        var from: String?
        var excerpts: Bool
        var retrySeconds: Int
        var attempts: Int
    }

    /// Loads and checks the settings given by `flags`, the environment and the configuration file.
    static func load(flags: [any ConfigurationFlags], file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Self {
        var given: [String: ConfigContent] = [:]
        for group in flags { given.merge(group.flags) { first, _ in first } }
        return try Self(settings: try await Settings.load(flags: given, environment: environment, file: file))
    }

    init(settings: Settings) throws {
        self.mode = try settings.choice(.mode, default: .development, among: Mode.allCases)
        self.dataDirectory = try settings.string(.dataDirectory, default: ".haven")
        self.databaseURL = try settings.string(.databaseURL)
        if let url = self.databaseURL { try Self.checkDatabaseURL(url) }
        self.databasePassword = try settings.secret(.databasePassword)
        if self.databasePassword != nil && self.databaseURL == nil {
            throw ConfigurationError(.databasePassword, "needs database.url (the embedded server has no password)")
        }
        self.poolSize = try settings.int(.poolSize, default: 8, in: 1...512)
        guard let level = Logger.Level(rawValue: try settings.string(.logLevel, default: "info")) else {
            throw ConfigurationError(.logLevel, "must be one of trace, debug, info, notice, warning, error, critical")
        }
        self.logLevel = level
        self.logFormat = try settings.choice(.logFormat, default: self.mode == .production ? .json : .text, among: LogFormat.allCases)
        self.host = try settings.string(.host, default: "127.0.0.1")
        self.port = try settings.int(.port, default: 8080, in: 0...65_535)
        self.publicURL = try settings.string(.publicURL)
        if let url = self.publicURL {
            guard let parsed = URL(string: url), ["https", "http"].contains(parsed.scheme ?? ""), parsed.host?.isEmpty == false else {
                throw ConfigurationError(.publicURL, "must be an https:// URL with a host, not \"\(url)\"")
            }
        }
        self.drainSeconds = try settings.int(.drainSeconds, default: 25, in: 1...3_600)
        self.proxyProtocol = try settings.bool(.proxyProtocol)
        self.shutdownDelaySeconds = try settings.int(.shutdownDelaySeconds, default: 0, in: 0...60)
        if self.shutdownDelaySeconds >= self.drainSeconds {
            throw ConfigurationError(.shutdownDelaySeconds, "must be shorter than http.drain_seconds (\(self.drainSeconds)), which bounds the whole shutdown")
        }
        self.tls = TLSSettings(
            certificate: try settings.string(.tlsCertificate),
            key: try settings.string(.tlsKey),
            keyPassword: try settings.secret(.tlsKeyPassword),
            clientCA: try settings.string(.tlsClientCA),
            ocspResponse: try settings.string(.tlsOCSPResponse),
            minimumVersion: try settings.string(.tlsMinimumVersion, default: "1.2"),
            insecureHTTP: try settings.bool(.insecureHTTP)
        )
        try self.tls.validate()
        self.secretKey = try settings.secretData(.secretKey)
        self.masterKey = try settings.secretData(.masterKey)
        self.previousMasterKeyFiles = try settings.list(.previousMasterKeyFiles)
        self.argon2Memory = try settings.int(.argon2Memory, default: 19_456, in: 19_456...4_194_304)
        self.argon2Iterations = try settings.int(.argon2Iterations, default: 2, in: 2...100)
        self.passwordMinimumLength = try settings.int(.passwordMinimumLength, default: 15, in: 8...1_024)
        self.deletionGraceDays = try settings.int(.deletionGraceDays, default: 7, in: 0...365)
        self.deletedPosts = try settings.choice(.deletedPosts, default: .memberChoice, among: DeletedPostsPolicy.allCases)
        self.mail = MailSettings(
            smtpHost: try settings.string(.smtpHost),
            smtpPort: try settings.int(.smtpPort, default: 587, in: 1...65_535),
            smtpSecurity: try settings.choice(.smtpSecurity, default: .startTLS, among: [.startTLS, .none]),
            smtpUser: try settings.string(.smtpUser),
            smtpPassword: try settings.secret(.smtpPassword),
            smtpCAFile: try settings.string(.smtpCAFile),
            from: try settings.string(.mailFrom),
            excerpts: try settings.bool(.mailExcerpts),
            retrySeconds: try settings.int(.mailRetrySeconds, default: 60, in: 1...86_400),
            attempts: try settings.int(.mailAttempts, default: 8, in: 1...100)
        )
        if self.mail.smtpUser != nil, self.mail.smtpSecurity == .none {
            throw ConfigurationError(.smtpUser, "needs smtp.security starttls: credentials are never sent in the clear")
        }
        if let clamd = try settings.string(.clamd) {
            guard let address = VirusScanner.Address(clamd) else { throw ConfigurationError(.clamd, "must be unix:PATH or tcp:HOST:PORT") }
            self.clamd = address
        }
        self.exportRetentionDays = try settings.int(.exportRetentionDays, default: 7, in: 1...90)
        self.metricsHost = try settings.string(.metricsHost, default: "127.0.0.1")
        self.metricsPort = try settings.int(.metricsPort, default: 9464, in: 0...65_535)
        self.retention = try Self.retentionPolicy(settings)

    }

    /// A postgresql:// URL (or libpq's key=value form) that libpq accepts, with numeric ports.
    static func checkDatabaseURL(_ url: String) throws {
        let parsed: PostgresConfiguration
        do { parsed = try PostgresConfiguration(url: url) } catch { throw ConfigurationError(.databaseURL, "not a PostgreSQL URL (\(error))") }
        if url.contains("://") && !(url.hasPrefix("postgresql://") || url.hasPrefix("postgres://")) {
            throw ConfigurationError(.databaseURL, "must be postgresql://user@host/database")
        }
        for parameter in parsed.parameters where parameter.keyword == "port" {
            guard parameter.value.split(separator: ",").allSatisfy({ UInt16($0) != nil }) else {
                throw ConfigurationError(.databaseURL, "port \"\(parameter.value)\" is not a number")
            }
        }
    }

    /// What serving needs beyond valid values: in production, the keys and the certificate must
    /// be given, never made.
    func checkServable() throws {
        guard self.mode == .production else { return }
        if self.masterKey == nil { throw ConfigurationError(.masterKey, "required in production mode (or master_key_file); losing it loses every document") }
        if self.secretKey == nil { throw ConfigurationError(.secretKey, "required in production mode (or secret_key_file)") }
        if self.tls.certificate == nil && !self.tls.insecureHTTP {
            throw ConfigurationError(.tlsCertificate, "required in production mode (a self-signed certificate is for development only)")
        }
    }
}

extension HavenConfiguration.TLSSettings {
    func validate() throws {
        if self.insecureHTTP && (self.certificate != nil || self.key != nil || self.clientCA != nil || self.ocspResponse != nil) {
            throw ConfigurationError(.insecureHTTP, "cannot be combined with a certificate, key, client CA or OCSP response")
        }
        if self.certificate != nil && self.key == nil { throw ConfigurationError(.tlsKey, "needed with tls.cert") }
        if self.key != nil && self.certificate == nil { throw ConfigurationError(.tlsCertificate, "needed with tls.key") }
        if !["1.2", "1.3"].contains(self.minimumVersion) { throw ConfigurationError(.tlsMinimumVersion, "must be 1.2 or 1.3") }
    }
}
