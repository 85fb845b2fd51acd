import Foundation
import PostgresClient

/// A real QR code reader for tests: librsvg's `rsvg-convert` renders the SVG to PNG, as a browser
/// would draw it, and zbar's `zbarimg` reads the bytes back (Debian packages `librsvg2-bin` and
/// `zbar-tools`, which `make test` installs).
public enum QRCodeReader {
    static let renderer = "/usr/bin/rsvg-convert"
    static let reader = "/usr/bin/zbarimg"

    /// Whether both tools are installed.
    public static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: Self.renderer) && FileManager.default.isExecutableFile(atPath: Self.reader)
    }

    /// The bytes of the one QR code in `svg`, exactly as encoded (zbar's binary mode: no guess at
    /// a character set, no newline added).
    public static func read(svg: String) async throws -> [UInt8] {
        guard Self.isInstalled else { throw Failure.notInstalled }
        let folder = FileManager.default.temporaryDirectory.appending(path: "qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = folder.appending(path: "code.svg"), png = folder.appending(path: "code.png"), decoded = folder.appending(path: "decoded")
        try Data(svg.utf8).write(to: image)
        let rendered = try await ChildProcess.run(Self.renderer, ["--output", png.path, image.path])
        guard rendered.status == 0 else { throw Failure.unreadable("rsvg-convert: \(rendered.output)") }
        // zbarimg writes the data to stdout and its remarks to stderr, which ChildProcess merges:
        // a shell keeps them apart. The paths are arguments, never part of the script.
        let read = try await ChildProcess.run(
            "/bin/sh", ["-c", #"exec "$0" --raw --quiet --nodbus -Sbinary "$1" >"$2""#, Self.reader, png.path, decoded.path]
        )
        guard read.status == 0 else { throw Failure.unreadable("zbarimg found no code (exit \(read.status)): \(read.output)") }
        return Array(try Data(contentsOf: decoded))
    }

    public enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case unreadable(String)

        public var description: String {
            switch self {
            case .notInstalled: "rsvg-convert or zbarimg is missing: scripts/install-deps librsvg2-bin zbar-tools (make test does)"
            case .unreadable(let reason): "the QR code could not be read: \(reason)"
            }
        }
    }
}
