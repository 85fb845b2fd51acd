import Foundation

/// The checkout's Python tools (`.haven/venv`, made by `scripts/python-tools`): real peers and
/// parsers for tests, such as aiosmtpd and prometheus-client.
public enum PythonTools {
    /// The checkout this source file belongs to.
    public static let root = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The venv's interpreter, or nil when `scripts/python-tools` has not run.
    public static var python: String? {
        let path = Self.root.appending(path: ".haven/venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }
}
