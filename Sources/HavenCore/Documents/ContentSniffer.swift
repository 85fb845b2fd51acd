/// Decides a file's type from its bytes alone, fed piece by piece as an upload streams in.
///
/// It keeps at most the first 64 KiB (the head) and, only when the head says ZIP, a rolling
/// window of the last 256 KiB (the tail), so its memory does not grow with the file.
public struct ContentSniffer: Sendable {
    /// How many leading bytes are kept: signatures, the ODF `mimetype` entry, markup and CSV checks.
    static let headCapacity = 64 * 1024
    /// How many trailing bytes a ZIP keeps: its central directory must lie within them.
    static let tailCapacity = 256 * 1024

    private let limits: ZipLimits
    private var head: [UInt8] = []
    private var tail = TailWindow(capacity: ContentSniffer.tailCapacity)
    private var zip: Bool?  // nil until the first four bytes are in.
    private var text = UTF8Validator()
    private var byteCount: Int64 = 0

    /// The bytes held now (head plus tail); never more than 64 KiB + 256 KiB.
    internal var retainedByteCount: Int { head.count + tail.count }

    /// A sniffer that refuses ZIP archives beyond `limits`.
    public init(limits: ZipLimits = ZipLimits()) {
        self.limits = limits
    }

    /// Feeds the next piece of the file; pieces may have any size, including one byte.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        byteCount += Int64(bytes.count)
        text.update(bytes)

        let wasZip = zip == true
        let taken = min(bytes.count, Self.headCapacity - head.count)
        if taken > 0 {
            head.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<taken]))
        }
        if wasZip {
            tail.append(bytes)
        } else if zip == nil, head.count >= 4 {
            let isZip = head.starts(with: Signature.zipLocalHeader)
            zip = isZip
            if isZip {
                // Everything so far: the head, then whatever of this piece the head had no room for.
                head.withUnsafeBytes { tail.append($0) }
                tail.append(UnsafeRawBufferPointer(rebasing: bytes[taken...]))
            }
        }
    }

    /// Feeds the next piece of the file from an array.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The verdict, once the last piece has been fed.
    public mutating func finish() -> SniffVerdict {
        guard byteCount > 0 else { return .refused(detected: "empty file") }
        if let accepted = acceptedSignature() { return .accepted(accepted) }
        if head.starts(with: Signature.zipLocalHeader) { return sniffZip() }
        if let detected = binarySignature() { return .refused(detected: detected) }
        if text.isPlainText { return sniffText() }
        if let detected = weakBinarySignature() { return .refused(detected: detected) }
        return .refused(detected: "unknown binary data")
    }

    // MARK: Signatures

    private enum Signature {
        static let zipLocalHeader: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
        static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]
    }

    /// The accepted types that a fixed signature at the start identifies.
    private func acceptedSignature() -> DocumentType? {
        if head.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.count >= 12, head.starts(with: Array("RIFF".utf8)), head[8..<12].elementsEqual("WEBP".utf8) { return .webp }
        if head.starts(with: Array(#"{\rtf"#.utf8)) { return .rtf }
        return nil
    }

    /// Refused types whose signature cannot begin a text file worth accepting.
    private func binarySignature() -> String? {
        let body = head.starts(with: Signature.utf8BOM) ? head.dropFirst(3) : head[...]
        if body.starts(with: Array("#!".utf8)) { return "shell script" }
        let signatures: [(bytes: [UInt8], name: String)] = [
            ([0x7F, 0x45, 0x4C, 0x46], "ELF executable"),
            ([0xFE, 0xED, 0xFA, 0xCE], "Mach-O executable"),
            ([0xFE, 0xED, 0xFA, 0xCF], "Mach-O executable"),
            ([0xCE, 0xFA, 0xED, 0xFE], "Mach-O executable"),
            ([0xCF, 0xFA, 0xED, 0xFE], "Mach-O executable"),
            ([0xCA, 0xFE, 0xBA, 0xBE], "Mach-O executable"),  // universal binary (or a Java class file)
            ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], "legacy Microsoft Office (OLE2) file"),
            (Array("GIF87a".utf8), "GIF image"),
            (Array("GIF89a".utf8), "GIF image"),
            ([0x49, 0x49, 0x2A, 0x00], "TIFF image"),
            ([0x4D, 0x4D, 0x00, 0x2A], "TIFF image"),
            ([0x1F, 0x8B], "gzip archive"),
            ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], "7-Zip archive"),
            ([0x52, 0x61, 0x72, 0x21, 0x1A, 0x07], "RAR archive"),
            ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz archive"),
            ([0x00, 0x61, 0x73, 0x6D], "WebAssembly module"),
            ([0x50, 0x4B, 0x05, 0x06], "ZIP archive"),  // an empty archive
            ([0x50, 0x4B, 0x07, 0x08], "ZIP archive"),  // a spanned archive
        ]
        return signatures.first { head.starts(with: $0.bytes) }?.name
    }

    /// Refused types whose short ASCII signature could also begin real text, so named only for non-text bytes.
    private func weakBinarySignature() -> String? {
        if head.starts(with: Array("MZ".utf8)) { return "Windows executable" }
        if head.starts(with: Array("BM".utf8)) { return "BMP image" }
        if head.starts(with: Array("BZh".utf8)) { return "bzip2 archive" }
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) { return "UTF-16 text" }
        return nil
    }

    // MARK: ZIP

    private func sniffZip() -> SniffVerdict {
        let directory: ZipDirectory
        do {
            directory = try ZipDirectory.read(tail: tail.bytes, fileLength: byteCount, limits: limits)
        } catch {
            return .refused(detected: error.detected)
        }
        let names = directory.entries.map(\.lowercasedName)

        if let kind = openDocumentKind(directory) {
            let hasMacros = names.contains { $0.hasPrefix("basic/") || $0.hasPrefix("scripts/") }
            return hasMacros ? .refused(detected: "OpenDocument file with macros") : .accepted(kind)
        }

        guard names.contains("[content_types].xml") else { return .refused(detected: "ZIP archive") }
        let kind: DocumentType? =
            if names.contains("word/document.xml") { .docx }
            else if names.contains("xl/workbook.xml") { .xlsx }
            else if names.contains("ppt/presentation.xml") { .pptx }
            else { nil }
        let hasMacros = names.contains {
            $0.hasSuffix("vbaproject.bin") || $0.hasSuffix("vbadata.xml") || $0.hasPrefix("xl/macrosheets/")
        }
        if hasMacros {
            let detected = switch kind {
            case .docx: "macro-enabled Word document (DOCM)"
            case .xlsx: "macro-enabled Excel workbook (XLSM)"
            case .pptx: "macro-enabled PowerPoint presentation (PPTM)"
            default: "macro-enabled Office document"
            }
            return .refused(detected: detected)
        }
        let hasActiveX = names.contains { name in name.split(separator: "/").dropLast().contains { $0 == "activex" } }
        if hasActiveX { return .refused(detected: "Office document with ActiveX controls") }
        guard let kind else { return .refused(detected: "ZIP archive") }
        return .accepted(kind)
    }

    /// The ODF type named by a stored `mimetype` entry that is the archive's first file, read from the head.
    private func openDocumentKind(_ directory: ZipDirectory) -> DocumentType? {
        guard let entry = directory.entries.first(where: { $0.name == "mimetype" && $0.localHeaderOffset == 0 }),
              entry.method == 0, entry.compressedSize == entry.uncompressedSize, entry.compressedSize <= 256,
              head.count >= 30, head.zipUInt16(at: 8) == 0
        else { return nil }
        let nameLength = Int(head.zipUInt16(at: 26))
        let extraLength = Int(head.zipUInt16(at: 28))
        let dataStart = 30 + nameLength + extraLength
        let dataEnd = dataStart + Int(entry.compressedSize)
        guard head.count >= dataEnd, head[30..<(30 + nameLength)].elementsEqual("mimetype".utf8) else { return nil }
        switch String(decoding: head[dataStart..<dataEnd], as: UTF8.self) {
        case "application/vnd.oasis.opendocument.text": return .odt
        case "application/vnd.oasis.opendocument.spreadsheet": return .ods
        case "application/vnd.oasis.opendocument.presentation": return .odp
        default: return nil
        }
    }

    // MARK: Text

    private func sniffText() -> SniffVerdict {
        let body = head.starts(with: Signature.utf8BOM) ? head.dropFirst(3) : head[...]
        let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0x0C]
        if body.first(where: { !whitespace.contains($0) }) == UInt8(ascii: "<") {
            return .refused(detected: markupName())
        }
        return looksLikeCSV(body, complete: Int64(head.count) == byteCount) ? .accepted(.csv) : .accepted(.text)
    }

    /// What text starting with `<` is, from tags found anywhere in the head.
    private func markupName() -> String {
        if head.containsCaseInsensitive("<svg") { return "SVG image" }
        let htmlTags = ["<html", "<!doctype html", "<head", "<body", "<script", "<iframe"]
        if htmlTags.contains(where: { head.containsCaseInsensitive($0) }) { return "HTML document" }
        return "XML document"
    }

    /// CSV when at least two non-empty records end within the head and the first (up to five)
    /// all hold the same number (at least one) of one delimiter, not counting those inside quotes.
    /// `complete` says the head is the whole file, so its last record ends there too.
    private func looksLikeCSV(_ body: ArraySlice<UInt8>, complete: Bool) -> Bool {
        let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]
        var records: [[Int]] = []
        var counts = [0, 0, 0]
        var isEmpty = true
        var inQuotes = false
        for byte in body {
            if byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
                isEmpty = false
            } else if inQuotes {
                continue
            } else if byte == 0x0A || byte == 0x0D {
                if !isEmpty { records.append(counts) }
                if records.count == 5 { break }
                counts = [0, 0, 0]
                isEmpty = true
            } else {
                isEmpty = false
                if let index = delimiters.firstIndex(of: byte) { counts[index] += 1 }
            }
        }
        if complete, !inQuotes, !isEmpty, records.count < 5 { records.append(counts) }
        guard records.count >= 2, let first = records.first else { return false }
        return (0..<delimiters.count).contains { index in
            first[index] >= 1 && records.allSatisfy { $0[index] == first[index] }
        }
    }
}

extension ContentSniffer {
    /// The last `capacity` bytes seen, in a ring buffer that is filled once and then overwritten.
    private struct TailWindow: Sendable {
        let capacity: Int
        private var storage: [UInt8] = []
        private var start = 0  // Index of the oldest byte once storage is full.

        init(capacity: Int) {
            self.capacity = capacity
        }

        var count: Int { storage.count }

        /// The bytes in file order.
        var bytes: [UInt8] {
            start == 0 ? storage : Array(storage[start...] + storage[..<start])
        }

        mutating func append(_ bytes: UnsafeRawBufferPointer) {
            var source = bytes
            if source.count >= capacity {
                storage = Array(UnsafeRawBufferPointer(rebasing: source[(source.count - capacity)...]))
                start = 0
                return
            }
            if storage.count < capacity {
                let filled = min(capacity - storage.count, source.count)
                storage.append(contentsOf: UnsafeRawBufferPointer(rebasing: source[0..<filled]))
                source = UnsafeRawBufferPointer(rebasing: source[filled...])
            }
            // Full: overwrite the oldest bytes, wrapping at the end of the storage.
            while !source.isEmpty {
                let run = min(source.count, capacity - start)
                storage.withUnsafeMutableBytes { target in
                    UnsafeMutableRawBufferPointer(rebasing: target[start..<(start + run)])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[0..<run]))
                }
                start = (start + run) % capacity
                source = UnsafeRawBufferPointer(rebasing: source[run...])
            }
        }
    }
}

extension [UInt8] {
    /// Whether the ASCII `pattern` occurs, ignoring the case of ASCII letters.
    func containsCaseInsensitive(_ pattern: String) -> Bool {
        let needle = pattern.utf8.map(ZipDirectory.asciiLowercased)
        guard let firstByte = needle.first, needle.count <= count else { return false }
        var index = 0
        while index + needle.count <= count {
            if ZipDirectory.asciiLowercased(self[index]) == firstByte {
                var matched = 1
                while matched < needle.count, ZipDirectory.asciiLowercased(self[index + matched]) == needle[matched] {
                    matched += 1
                }
                if matched == needle.count { return true }
            }
            index += 1
        }
        return false
    }
}
