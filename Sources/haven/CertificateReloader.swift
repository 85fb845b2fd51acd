import Logging
import OpenSSLTLS
import ServiceLifecycle
import UnixSignals

/// Reloads the TLS certificate and key on SIGHUP: new connections get the new pair; a pair that
/// does not load is refused and logged, and the old one stays.
struct CertificateReloader: Service {
    let context: TLSContext
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            try? self.context.reload()
        }
    }
}
