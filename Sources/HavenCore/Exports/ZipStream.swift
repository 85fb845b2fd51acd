import Foundation
import NIOCore

/// Writes a ZIP archive front to back, so that it can be sent while it is made: each entry's
/// bytes are stored as they come (no compression: documents are mostly compressed already) with
/// their checksum in a data descriptor after them, and only the central directory, a few dozen
/// bytes per entry, is kept until the end. Offsets past 4 GiB and more than 65,535 entries use
/// the ZIP64 extensions, which current unzip tools read.
struct ZipStream: Sendable {
    private struct Entry: Sendable {
        let name: [UInt8]
        let crc: UInt32
        let size: UInt64
        let offset: UInt64
        let time: UInt16
        let date: UInt16
    }

    private struct Open: Sendable {
        let name: [UInt8]
        let offset: UInt64
        let time: UInt16
        let date: UInt16
        var crc = CRC32()
        var size: UInt64 = 0
    }

    /// The largest value the classic 32-bit fields hold; ZIP64 fields take over beyond it (lower
    /// in tests, to exercise them without gigabytes).
    private let limit: UInt64
    private var offset: UInt64 = 0
    private var entries: [Entry] = []
    private var open: Open?

    init(zip64Above limit: UInt64 = 0xFFFF_FFFE) {
        self.limit = limit
    }

    /// The local header of an entry named `name` (a path with `/` separators), whose bytes follow.
    mutating func beginEntry(_ name: String, modified: Date) -> ByteBuffer {
        precondition(self.open == nil, "an entry is still open")
        let (time, date) = Self.dosTime(modified)
        let name = Array(name.utf8)
        var header = ByteBuffer()
        header.writeInteger(UInt32(0x0403_4B50), endianness: .little)
        header.writeInteger(UInt16(20), endianness: .little)  // version needed: 2.0
        header.writeInteger(UInt16(0x0808), endianness: .little)  // data descriptor follows; UTF-8 name
        header.writeInteger(UInt16(0), endianness: .little)  // stored
        header.writeInteger(time, endianness: .little)
        header.writeInteger(date, endianness: .little)
        header.writeInteger(UInt32(0), endianness: .little)  // CRC, sizes: in the data descriptor
        header.writeInteger(UInt32(0), endianness: .little)
        header.writeInteger(UInt32(0), endianness: .little)
        header.writeInteger(UInt16(name.count), endianness: .little)
        header.writeInteger(UInt16(0), endianness: .little)
        header.writeBytes(name)
        self.open = Open(name: name, offset: self.offset, time: time, date: date)
        self.offset += UInt64(header.readableBytes)
        return header
    }

    /// Accounts for `bytes` of the open entry, which the caller sends as they are.
    mutating func write(_ bytes: ByteBuffer) {
        precondition(self.open != nil, "no entry is open")
        self.open?.crc.update(bytes)
        self.open?.size += UInt64(bytes.readableBytes)
        self.offset += UInt64(bytes.readableBytes)
    }

    /// The data descriptor that closes the open entry.
    mutating func endEntry() -> ByteBuffer {
        guard let open = self.open else { preconditionFailure("no entry is open") }
        self.open = nil
        var descriptor = ByteBuffer()
        descriptor.writeInteger(UInt32(0x0807_4B50), endianness: .little)
        descriptor.writeInteger(open.crc.value, endianness: .little)
        // An entry's own size stays below 4 GiB (documents are far smaller).
        descriptor.writeInteger(UInt32(truncatingIfNeeded: open.size), endianness: .little)
        descriptor.writeInteger(UInt32(truncatingIfNeeded: open.size), endianness: .little)
        self.entries.append(Entry(name: open.name, crc: open.crc.value, size: open.size, offset: open.offset, time: open.time, date: open.date))
        self.offset += UInt64(descriptor.readableBytes)
        return descriptor
    }

    /// The central directory and end records: the archive's last bytes.
    mutating func finish() -> ByteBuffer {
        precondition(self.open == nil, "an entry is still open")
        var directory = ByteBuffer()
        let start = self.offset
        for entry in self.entries {
            let far = entry.offset > self.limit
            directory.writeInteger(UInt32(0x0201_4B50), endianness: .little)
            directory.writeInteger(UInt16(0x0300 | 45), endianness: .little)  // made by: Unix, 4.5
            directory.writeInteger(UInt16(far ? 45 : 20), endianness: .little)
            directory.writeInteger(UInt16(0x0808), endianness: .little)
            directory.writeInteger(UInt16(0), endianness: .little)
            directory.writeInteger(entry.time, endianness: .little)
            directory.writeInteger(entry.date, endianness: .little)
            directory.writeInteger(entry.crc, endianness: .little)
            directory.writeInteger(UInt32(truncatingIfNeeded: entry.size), endianness: .little)
            directory.writeInteger(UInt32(truncatingIfNeeded: entry.size), endianness: .little)
            directory.writeInteger(UInt16(entry.name.count), endianness: .little)
            directory.writeInteger(UInt16(far ? 12 : 0), endianness: .little)  // extra field
            directory.writeInteger(UInt16(0), endianness: .little)  // comment
            directory.writeInteger(UInt16(0), endianness: .little)  // disk
            directory.writeInteger(UInt16(0), endianness: .little)  // internal attributes
            directory.writeInteger(UInt32(0o100644) << 16, endianness: .little)  // a regular file, rw-r--r--
            directory.writeInteger(far ? UInt32.max : UInt32(entry.offset), endianness: .little)
            directory.writeBytes(entry.name)
            if far {
                directory.writeInteger(UInt16(0x0001), endianness: .little)  // ZIP64 extended information
                directory.writeInteger(UInt16(8), endianness: .little)
                directory.writeInteger(entry.offset, endianness: .little)
            }
        }
        let size = UInt64(directory.readableBytes)
        let count = UInt64(self.entries.count)
        if start > self.limit || count >= 0xFFFF {
            let record = start + size
            directory.writeInteger(UInt32(0x0606_4B50), endianness: .little)  // ZIP64 end of central directory
            directory.writeInteger(UInt64(44), endianness: .little)
            directory.writeInteger(UInt16(0x0300 | 45), endianness: .little)
            directory.writeInteger(UInt16(45), endianness: .little)
            directory.writeInteger(UInt32(0), endianness: .little)
            directory.writeInteger(UInt32(0), endianness: .little)
            directory.writeInteger(count, endianness: .little)
            directory.writeInteger(count, endianness: .little)
            directory.writeInteger(size, endianness: .little)
            directory.writeInteger(start, endianness: .little)
            directory.writeInteger(UInt32(0x0706_4B50), endianness: .little)  // its locator
            directory.writeInteger(UInt32(0), endianness: .little)
            directory.writeInteger(record, endianness: .little)
            directory.writeInteger(UInt32(1), endianness: .little)
        }
        directory.writeInteger(UInt32(0x0605_4B50), endianness: .little)
        directory.writeInteger(UInt16(0), endianness: .little)
        directory.writeInteger(UInt16(0), endianness: .little)
        directory.writeInteger(UInt16(min(count, 0xFFFF)), endianness: .little)
        directory.writeInteger(UInt16(min(count, 0xFFFF)), endianness: .little)
        directory.writeInteger(UInt32(min(size, 0xFFFF_FFFF)), endianness: .little)
        directory.writeInteger(start > self.limit ? UInt32.max : UInt32(start), endianness: .little)
        directory.writeInteger(UInt16(0), endianness: .little)
        self.offset += UInt64(directory.readableBytes)
        return directory
    }

    /// MS-DOS time and date fields (two-second resolution, from 1980), in UTC.
    static func dosTime(_ date: Date) -> (time: UInt16, date: UInt16) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let year = min(max((parts.year ?? 1980) - 1980, 0), 127)
        let time = UInt16((parts.hour ?? 0) << 11 | (parts.minute ?? 0) << 5 | (parts.second ?? 0) / 2)
        let day = UInt16(year << 9 | (parts.month ?? 1) << 5 | (parts.day ?? 1))
        return (time, day)
    }
}
