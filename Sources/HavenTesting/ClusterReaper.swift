import Foundation
import PostgresClient

/// Stops the test cluster when the test process ends: at a normal exit through `atexit`, and
/// otherwise through a small watchdog shell that waits for this process to disappear.
enum ClusterReaper {
    nonisolated(unsafe) private static var serverPID: Int32 = 0
    nonisolated(unsafe) private static var folderPath = ""

    static func register(pid: Int32, folder: URL) {
        self.serverPID = pid
        self.folderPath = folder.path
        atexit {
            guard ClusterReaper.serverPID > 0 else { return }
            kill(ClusterReaper.serverPID, SIGINT)
            // Give the server a moment for a clean shutdown, then remove its folder.
            for _ in 0..<100 where kill(ClusterReaper.serverPID, 0) == 0 { usleep(20_000) }
            try? FileManager.default.removeItem(atPath: ClusterReaper.folderPath)
        }
        _ = try? ChildProcess(
            "/bin/sh",
            [
                "-c",
                "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; kill -INT \(pid) 2>/dev/null; sleep 2; rm -rf '\(folder.path)'",
            ]
        )
    }
}
