/// Why a ZIP archive is refused, named for the uploader (e.g. "ZIP64 archive", "ZIP bomb (…)").
struct ZipRefusal: Error, Sendable, Equatable {
    let detected: String
}

/// The central directory of a ZIP archive, read from the archive's last bytes only.
///
/// Nothing is decompressed. The directory must lie wholly inside the bytes given, and its
/// sizes are checked against `ZipLimits` while it is read, so a bomb is refused from its directory.
struct ZipDirectory: Sendable {
    /// One file listed in the central directory.
    struct Entry: Sendable {
        /// The name as stored, ASCII letters lowered (OPC part names compare case-insensitively).
        let lowercasedName: String
        /// The name exactly as stored.
        let name: String
        let flags: UInt16
        let method: UInt16
        let compressedSize: Int64
        let uncompressedSize: Int64
        let localHeaderOffset: Int64
    }

    let entries: [Entry]

    static let endRecordLength = 22
    /// The end record plus the longest comment it can carry.
    static let endRecordSearchLength = 22 + 65_535
    private static let oneMiB: Int64 = 1024 * 1024

    /// Reads the directory from `tail`, the last `tail.count` bytes of a file of `fileLength` bytes.
    static func read(tail: [UInt8], fileLength: Int64, limits: ZipLimits) throws(ZipRefusal) -> ZipDirectory {
        let tailStart = fileLength - Int64(tail.count)
        guard let end = findEndRecord(in: tail) else {
            throw ZipRefusal(detected: "damaged ZIP archive")
        }
        let disk = tail.zipUInt16(at: end + 4)
        let directoryDisk = tail.zipUInt16(at: end + 6)
        let entriesOnDisk = tail.zipUInt16(at: end + 8)
        let entryCount = tail.zipUInt16(at: end + 10)
        let directorySize = tail.zipUInt32(at: end + 12)
        let directoryOffset = tail.zipUInt32(at: end + 16)

        let zip64Locator = end >= 20 && tail.hasZipSignature(0x07064B50, at: end - 20)
        if zip64Locator || disk == 0xFFFF || directoryDisk == 0xFFFF || entriesOnDisk == 0xFFFF
            || entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            throw ZipRefusal(detected: "ZIP64 archive")
        }
        guard disk == 0, directoryDisk == 0, entriesOnDisk == entryCount else {
            throw ZipRefusal(detected: "split ZIP archive")
        }
        guard Int(entryCount) <= limits.maximumEntries else {
            throw ZipRefusal(detected: "ZIP bomb (more than \(limits.maximumEntries) entries)")
        }
        let endPosition = tailStart + Int64(end)
        guard Int64(directoryOffset) + Int64(directorySize) == endPosition else {
            throw ZipRefusal(detected: "damaged ZIP archive")
        }
        guard Int64(directoryOffset) >= tailStart else {
            throw ZipRefusal(detected: "ZIP archive with too large a directory")
        }

        var entries: [Entry] = []
        entries.reserveCapacity(Int(entryCount))
        var totalUncompressed: Int64 = 0
        var position = Int(Int64(directoryOffset) - tailStart)
        for _ in 0..<entryCount {
            guard position + 46 <= end, tail.hasZipSignature(0x02014B50, at: position) else {
                throw ZipRefusal(detected: "damaged ZIP archive")
            }
            let flags = tail.zipUInt16(at: position + 8)
            let method = tail.zipUInt16(at: position + 10)
            let compressed = tail.zipUInt32(at: position + 20)
            let uncompressed = tail.zipUInt32(at: position + 24)
            let nameLength = Int(tail.zipUInt16(at: position + 28))
            let extraLength = Int(tail.zipUInt16(at: position + 30))
            let commentLength = Int(tail.zipUInt16(at: position + 32))
            let startDisk = tail.zipUInt16(at: position + 34)
            let localOffset = tail.zipUInt32(at: position + 42)
            let nameStart = position + 46
            let extraStart = nameStart + nameLength
            let next = extraStart + extraLength + commentLength
            guard next <= end else {
                throw ZipRefusal(detected: "damaged ZIP archive")
            }
            if compressed == 0xFFFF_FFFF || uncompressed == 0xFFFF_FFFF || localOffset == 0xFFFF_FFFF
                || startDisk == 0xFFFF || tail.hasZip64Extra(from: extraStart, length: extraLength) {
                throw ZipRefusal(detected: "ZIP64 archive")
            }
            // Bit 0: encrypted; bit 6: strong encryption.
            if flags & 0x0041 != 0 {
                throw ZipRefusal(detected: "encrypted ZIP archive")
            }
            guard Int64(localOffset) + 30 + Int64(compressed) <= Int64(directoryOffset) else {
                throw ZipRefusal(detected: "damaged ZIP archive")
            }
            let compressedSize = Int64(compressed)
            let uncompressedSize = Int64(uncompressed)
            if uncompressedSize > oneMiB {
                let (allowed, overflow) = compressedSize.multipliedReportingOverflow(by: limits.maximumRatio)
                if !overflow && uncompressedSize > allowed {
                    throw ZipRefusal(detected: "ZIP bomb (an entry expands more than \(limits.maximumRatio) times)")
                }
            }
            totalUncompressed += uncompressedSize
            if totalUncompressed > limits.maximumUncompressedBytes {
                let limit = describe(bytes: limits.maximumUncompressedBytes)
                throw ZipRefusal(detected: "ZIP bomb (more than \(limit) uncompressed)")
            }
            let nameBytes = tail[nameStart..<extraStart]
            entries.append(Entry(
                lowercasedName: String(decoding: nameBytes.map(asciiLowercased), as: UTF8.self),
                name: String(decoding: nameBytes, as: UTF8.self),
                flags: flags, method: method,
                compressedSize: compressedSize, uncompressedSize: uncompressedSize,
                localHeaderOffset: Int64(localOffset)
            ))
            position = next
        }
        guard position == end else {
            throw ZipRefusal(detected: "damaged ZIP archive")
        }
        return ZipDirectory(entries: entries)
    }

    /// The index of the end-of-central-directory record: the last `PK\5\6` in the final
    /// 65,557 bytes whose comment length reaches exactly to the end of the file.
    static func findEndRecord(in tail: [UInt8]) -> Int? {
        guard tail.count >= endRecordLength else { return nil }
        let lowest = max(0, tail.count - endRecordSearchLength)
        var index = tail.count - endRecordLength
        while index >= lowest {
            if tail.hasZipSignature(0x06054B50, at: index),
               index + endRecordLength + Int(tail.zipUInt16(at: index + 20)) == tail.count {
                return index
            }
            index -= 1
        }
        return nil
    }

    static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
    }

    /// "512 MiB" for whole mebibytes, else the byte count.
    static func describe(bytes: Int64) -> String {
        bytes > 0 && bytes % oneMiB == 0 ? "\(bytes / oneMiB) MiB" : "\(bytes) bytes"
    }
}

extension [UInt8] {
    /// The little-endian UInt16 at `index`; the caller has checked the bounds.
    func zipUInt16(at index: Int) -> UInt16 {
        UInt16(self[index]) | UInt16(self[index + 1]) << 8
    }

    /// The little-endian UInt32 at `index`; the caller has checked the bounds.
    func zipUInt32(at index: Int) -> UInt32 {
        UInt32(zipUInt16(at: index)) | UInt32(zipUInt16(at: index + 2)) << 16
    }

    /// Whether the four bytes at `index` are the little-endian `signature`, bounds checked.
    func hasZipSignature(_ signature: UInt32, at index: Int) -> Bool {
        index >= 0 && index + 4 <= count && zipUInt32(at: index) == signature
    }

    /// Whether an extra field holds a ZIP64 extended-information block (header ID 0x0001).
    func hasZip64Extra(from start: Int, length: Int) -> Bool {
        var position = start
        let end = start + length
        while position + 4 <= end {
            if zipUInt16(at: position) == 0x0001 { return true }
            position += 4 + Int(zipUInt16(at: position + 2))
        }
        return false
    }
}
