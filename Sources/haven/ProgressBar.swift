import Foundation

/// A one-line progress bar on standard error, redrawn in place.
enum ProgressBar {
    static func draw(done: Int, total: Int, label: String) {
        let width = 40
        let filled = total > 0 ? width * done / total : width
        let percent = total > 0 ? 100 * done / total : 100
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(percent)% \(done)/\(total) \(label)".utf8))
    }
}
