import NIOCore

/// The PROXY protocol header (versions 1 and 2) a TCP load balancer such as HAProxy sends at the
/// start of each connection, before TLS: who the client really is. Only parsed when the
/// installation says a balancer sits in front (`http.proxy_protocol`), since anyone reaching the
/// port directly could claim any address.
public enum ProxyHeader: Equatable, Sendable {
    /// The header is complete: it is `length` bytes long and names the client's address (nil for
    /// a balancer's own connection, `LOCAL` or `UNKNOWN`, which keeps the socket's address).
    case complete(length: Int, source: String?)
    /// Not enough bytes yet.
    case incomplete
    /// Not a PROXY header, or a malformed one.
    case invalid(String)

    static let signatureV2: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    static let prefixV1 = Array("PROXY ".utf8)
    /// Version 1 headers are at most 107 bytes with their CRLF; version 2 addresses take at most 216.
    static let maximumV1Length = 107
    static let maximumV2Length = 16 + 216

    /// Reads the header at the start of `buffer`, without consuming anything.
    public static func parse(_ buffer: ByteBuffer) -> ProxyHeader {
        let bytes = buffer.readableBytesView
        let start = bytes.startIndex
        let available = bytes.count
        // Decide between the versions as soon as the first bytes allow.
        let v2Prefix = Array(bytes.prefix(Self.signatureV2.count))
        let v1Prefix = Array(bytes.prefix(Self.prefixV1.count))
        if v2Prefix == Array(Self.signatureV2.prefix(v2Prefix.count)) {
            guard available >= 16 else { return .incomplete }
            return Self.parseV2(Array(bytes[start..<start + min(available, Self.maximumV2Length)]), available: available)
        }
        guard v1Prefix == Array(Self.prefixV1.prefix(v1Prefix.count)) else { return .invalid("not a PROXY protocol header") }
        guard let end = bytes.prefix(Self.maximumV1Length).firstIndex(of: 0x0A) else {
            return available >= Self.maximumV1Length ? .invalid("PROXY v1 header too long") : .incomplete
        }
        return Self.parseV1(Array(bytes[start..<end + 1]))
    }

    static func parseV1(_ line: [UInt8]) -> ProxyHeader {
        guard line.count >= 2, line[line.count - 2] == 0x0D else { return .invalid("PROXY v1 header not ended by CRLF") }
        let fields = String(decoding: line.dropLast(2), as: UTF8.self).split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count >= 2, fields[0] == "PROXY" else { return .invalid("malformed PROXY v1 header") }
        switch fields[1] {
        case "UNKNOWN":
            return .complete(length: line.count, source: nil)
        case "TCP4", "TCP6":
            guard fields.count == 6, let _ = UInt16(fields[4]), let _ = UInt16(fields[5]),
                let source = try? SocketAddress(ipAddress: String(fields[2]), port: 0),
                (fields[1] == "TCP4") == (source.protocol == .inet)
            else { return .invalid("malformed PROXY v1 addresses") }
            return .complete(length: line.count, source: source.ipAddress)
        default:
            return .invalid("unknown PROXY v1 protocol")
        }
    }

    static func parseV2(_ bytes: [UInt8], available: Int) -> ProxyHeader {
        let versionCommand = bytes[12]
        guard versionCommand >> 4 == 2 else { return .invalid("unknown PROXY protocol version") }
        let addressLength = Int(bytes[14]) << 8 | Int(bytes[15])
        let length = 16 + addressLength
        guard length <= Self.maximumV2Length else { return .invalid("PROXY v2 header too long") }
        guard available >= length else { return .incomplete }
        switch versionCommand & 0x0F {
        case 0x0:  // LOCAL: the balancer's own connection (a health check).
            return .complete(length: length, source: nil)
        case 0x1:
            break
        default:
            return .invalid("unknown PROXY v2 command")
        }
        let address = bytes[16..<length]
        switch bytes[13] {
        case 0x11, 0x12:  // TCP or UDP over IPv4
            guard address.count >= 12 else { return .invalid("short PROXY v2 IPv4 address") }
            return .complete(length: length, source: address.prefix(4).map(String.init).joined(separator: "."))
        case 0x21, 0x22:  // over IPv6
            guard address.count >= 36 else { return .invalid("short PROXY v2 IPv6 address") }
            let groups = stride(from: address.startIndex, to: address.startIndex + 16, by: 2).map { UInt16(address[$0]) << 8 | UInt16(address[$0 + 1]) }
            let text = groups.map { String($0, radix: 16) }.joined(separator: ":")
            return .complete(length: length, source: (try? SocketAddress(ipAddress: text, port: 0))?.ipAddress ?? text)
        case 0x00:  // UNSPEC
            return .complete(length: length, source: nil)
        default:
            return .invalid("unsupported PROXY v2 address family")
        }
    }
}
