import Foundation
import NIOCore
import OpenSSLTLS
import PostgresClient
import Testing

@testable import HavenCore

/// The export formats, read back by independent implementations: Python's `zipfile` and `csv`.
@Suite struct ExportFormatTests {
    /// Writes an archive of `entries` with `stream`, reads it back with Python, and returns what
    /// Python printed: each entry's name, size and SHA-256, after `testzip()` checked every CRC.
    static func readBack(_ entries: [(String, Data)], stream: ZipStream) async throws -> [String] {
        var stream = stream
        var archive = ByteBuffer()
        for (name, data) in entries {
            archive.writeImmutableBuffer(stream.beginEntry(name, modified: Date(timeIntervalSince1970: 1_790_000_000)))
            // In pieces, as documents arrive chunk by chunk.
            var offset = 0
            while offset < data.count {
                let piece = ByteBuffer(bytes: data[offset..<min(offset + 100_000, data.count)])
                stream.write(piece)
                archive.writeImmutableBuffer(piece)
                offset += 100_000
            }
            archive.writeImmutableBuffer(stream.endEntry())
        }
        archive.writeImmutableBuffer(stream.finish())
        let file = FileManager.default.temporaryDirectory.appending(path: "export-\(UUID().uuidString).zip")
        try Data(archive.readableBytesView).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = FileManager.default.temporaryDirectory.appending(path: "export-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: output) }
        let script = """
            import hashlib, sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as z:
                assert z.testzip() is None, "a CRC does not match"
                for info in z.infolist():
                    data = z.read(info)
                    print(info.filename, info.file_size, hashlib.sha256(data).hexdigest(), info.date_time[0])
            """
        let python = try ChildProcess("/usr/bin/python3", ["-c", script, file.path], output: output.path)
        #expect(await python.wait() == 0, "\((try? String(contentsOf: output, encoding: .utf8)) ?? "")")
        return ((try? String(contentsOf: output, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    static func expected(_ entries: [(String, Data)]) -> [String] {
        entries.map { name, data in
            let digest = SHA256.hash(data).map { String(format: "%02x", $0) }.joined()
            return "\(name) \(data.count) \(digest) 2026"
        }
    }

    static let entries: [(String, Data)] = [
        ("answers.csv", Data("organisation,answer\r\nA,yes\r\n".utf8)),
        ("Kenya CSO (0193a1b2)/report.txt", Data((0..<350_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })),
        ("جمعية الضحايا (0193a1b3)/تقرير.txt", Data("شهادات الناجين\n".utf8)),
        ("Kenya CSO (0193a1b2)/empty.txt", Data()),
    ]

    @Test func pythonReadsTheStreamedArchiveWithEveryChecksum() async throws {
        let lines = try await Self.readBack(Self.entries, stream: ZipStream())
        #expect(lines == Self.expected(Self.entries))
    }

    @Test func offsetsBeyondTheLimitUseZIP64RecordsThatPythonReads() async throws {
        // The same archive with the 4 GiB limit lowered to 100 bytes: every entry after the first,
        // and the central directory, are located through ZIP64 records.
        let lines = try await Self.readBack(Self.entries, stream: ZipStream(zip64Above: 100))
        #expect(lines == Self.expected(Self.entries))
    }

    @Test func csvCellsAreQuotedAndCannotRunAsFormulas() async throws {
        let line = CSV.line(["=HYPERLINK(\"http://evil.example\")", "+1", "-2", "@SUM(A1)", "plain", "a,b", "two\nlines", "ok \"quoted\"", "\ttab"])
        let file = FileManager.default.temporaryDirectory.appending(path: "cells-\(UUID().uuidString).csv")
        try Data((CSV.byteOrderMark + line).utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = FileManager.default.temporaryDirectory.appending(path: "cells-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: output) }
        let script = "import csv, json, sys; print(json.dumps(next(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline='')))))"
        let python = try ChildProcess("/usr/bin/python3", ["-c", script, file.path], output: output.path)
        #expect(await python.wait() == 0)
        let cells = try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String]
        #expect(cells == ["'=HYPERLINK(\"http://evil.example\")", "'+1", "'-2", "'@SUM(A1)", "plain", "a,b", "two\nlines", "ok \"quoted\"", "'\ttab"])
    }
}
