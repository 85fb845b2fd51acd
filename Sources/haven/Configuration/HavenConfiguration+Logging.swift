import Logging

extension HavenConfiguration {
    /// Sends every logger's records to standard error: JSON lines for collectors, or text.
    func bootstrapLogging() {
        switch self.logFormat {
        case .json: LoggingSystem.bootstrap { label in JSONLogHandler(label: label) }
        case .text: LoggingSystem.bootstrap(StreamLogHandler.standardError)
        }
    }
}
