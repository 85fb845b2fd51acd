import ArgumentParser
import Configuration

/// Where `haven serve` listens and how it behaves, as flags.
struct ServeOptions: ParsableArguments, ConfigurationFlags {
    @Option(help: "Address to listen on. Default: 127.0.0.1.")
    var host: String?

    @Option(help: "Port to listen on (0 picks a free one). Default: 8080.")
    var port: Int?

    @Option(name: .customLong("public-url"), help: "The address users reach Haven at, for links in mail. Default: https://<host>:<port>.")
    var publicURL: String?

    @Option(name: .customLong("pool-size"), help: "Most database connections to open. Default: 8.")
    var poolSize: Int?

    @Option(name: .customLong("drain-seconds"), help: "On SIGTERM, how long requests in flight may take to finish. Default: 25.")
    var drainSeconds: Int?

    @Option(
        name: .customLong("shutdown-delay-seconds"),
        help: "On SIGTERM, go on accepting this long after /readyz turns 503, so balancers can stop routing first (part of --drain-seconds). Default: 0."
    )
    var shutdownDelaySeconds: Int?

    @Flag(
        name: .customLong("proxy-protocol"),
        help: "Each connection starts with a PROXY header (v1 or v2) from a TCP balancer, naming the client. Only behind such a balancer: anyone reaching the port could name any address."
    )
    var proxyProtocol = false

    @Option(
        name: .customLong("clamd"),
        help: ArgumentHelp("Scan every upload with this clamd: unix:/run/clamav/clamd.ctl or tcp:127.0.0.1:3310 (its StreamMaxLength must allow 100M).", valueName: "address")
    )
    var clamd: String?

    @Option(
        name: .customLong("export-retention-days"),
        help: "Days a member's prepared data export waits for its one download before it is deleted (1–90). Default: 7."
    )
    var exportRetentionDays: Int?

    @Option(name: .customLong("metrics-host"), help: "Address of the operators' listener (/metrics, /healthz, /readyz; plain HTTP). Default: 127.0.0.1.")
    var metricsHost: String?

    @Option(name: .customLong("metrics-port"), help: "Port of the operators' listener (0 picks a free one). Default: 9464.")
    var metricsPort: Int?

    var flags: [String: ConfigContent] {
        var flags: [String: ConfigContent] = [:]
        flags.set(.host, self.host)
        flags.set(.port, self.port)
        flags.set(.publicURL, self.publicURL)
        flags.set(.poolSize, self.poolSize)
        flags.set(.drainSeconds, self.drainSeconds)
        flags.set(.clamd, self.clamd)
        flags.set(.exportRetentionDays, self.exportRetentionDays)
        flags.set(.proxyProtocol, flag: self.proxyProtocol)
        flags.set(.shutdownDelaySeconds, self.shutdownDelaySeconds)
        flags.set(.metricsHost, self.metricsHost)
        flags.set(.metricsPort, self.metricsPort)
        return flags
    }
}
