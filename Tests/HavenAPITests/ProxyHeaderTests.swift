import NIOCore
import Testing

@testable import HavenAPI

/// PROXY protocol headers as HAProxy and cloud balancers send them, and what is refused.
@Suite struct ProxyHeaderTests {
    static func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }
    static func buffer(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    static func v2(command: UInt8 = 0x21, family: UInt8, address: [UInt8]) -> [UInt8] {
        ProxyHeader.signatureV2 + [command, family, UInt8(address.count >> 8), UInt8(address.count & 0xFF)] + address
    }

    @Test func versionOneNamesTheClient() {
        let header = "PROXY TCP4 203.0.113.7 192.0.2.1 51234 443\r\n"
        #expect(ProxyHeader.parse(Self.buffer(header + "\u{16}\u{03}\u{01}")) == .complete(length: header.utf8.count, source: "203.0.113.7"))
        let six = "PROXY TCP6 2001:db8::7 2001:db8::1 51234 443\r\n"
        #expect(ProxyHeader.parse(Self.buffer(six)) == .complete(length: six.utf8.count, source: "2001:db8::7"))
        let unknown = "PROXY UNKNOWN\r\n"
        #expect(ProxyHeader.parse(Self.buffer(unknown)) == .complete(length: unknown.utf8.count, source: nil))
    }

    @Test func versionTwoNamesTheClientAndLocalKeepsTheSocket() {
        let four = Self.v2(family: 0x11, address: [203, 0, 113, 7, 192, 0, 2, 1, 0xC8, 0x22, 0x01, 0xBB])
        #expect(ProxyHeader.parse(Self.buffer(four + [0x16, 0x03])) == .complete(length: four.count, source: "203.0.113.7"))
        let six = Self.v2(family: 0x21, address: [0x20, 0x01, 0x0D, 0xB8] + Array(repeating: 0, count: 11) + [7] + Array(repeating: 0, count: 16) + [0, 1, 1, 0xBB])
        #expect(ProxyHeader.parse(Self.buffer(six)) == .complete(length: six.count, source: "2001:db8::7"))
        // TLVs after the addresses belong to the header too.
        let withTLV = Self.v2(family: 0x11, address: [198, 51, 100, 9, 192, 0, 2, 1, 0, 1, 1, 0xBB] + [0x04, 0x00, 0x01, 0x00])
        #expect(ProxyHeader.parse(Self.buffer(withTLV)) == .complete(length: withTLV.count, source: "198.51.100.9"))
        let local = Self.v2(command: 0x20, family: 0x00, address: [])
        #expect(ProxyHeader.parse(Self.buffer(local)) == .complete(length: 16, source: nil))
    }

    @Test func partialHeadersWaitForMore() {
        #expect(ProxyHeader.parse(Self.buffer("PRO")) == .incomplete)
        #expect(ProxyHeader.parse(Self.buffer("PROXY TCP4 203.0.113.7 192.0.2.1 5")) == .incomplete)
        #expect(ProxyHeader.parse(Self.buffer(Array(ProxyHeader.signatureV2.prefix(5)))) == .incomplete)
        let four = Self.v2(family: 0x11, address: [203, 0, 113, 7, 192, 0, 2, 1, 0xC8, 0x22, 0x01, 0xBB])
        #expect(ProxyHeader.parse(Self.buffer(Array(four.prefix(20)))) == .incomplete)
    }

    @Test func anythingElseIsRefused() {
        let refused: [ByteBuffer] = [
            Self.buffer("GET / HTTP/1.1\r\n"),
            Self.buffer([0x16, 0x03, 0x01, 0x00]),  // a TLS ClientHello straight away
            Self.buffer("PROXY TCP4 203.0.113.7\r\n"),
            Self.buffer("PROXY TCP4 not-an-address 192.0.2.1 1 2\r\n"),
            Self.buffer("PROXY TCP4 2001:db8::7 192.0.2.1 1 2\r\n"),
            Self.buffer("PROXY TCP4 203.0.113.7 192.0.2.1 99999 2\r\n"),
            Self.buffer("PROXY TCP4 203.0.113.7 192.0.2.1 1 2\n"),
            Self.buffer("PROXY SCTP 203.0.113.7 192.0.2.1 1 2\r\n"),
            Self.buffer("PROXY " + String(repeating: "x", count: 200)),
            Self.buffer(Self.v2(command: 0x11, family: 0x11, address: Array(repeating: 0, count: 12))),
            Self.buffer(Self.v2(command: 0x22, family: 0x11, address: Array(repeating: 0, count: 12))),
            Self.buffer(Self.v2(family: 0x11, address: [1, 2, 3])),
            Self.buffer(Self.v2(family: 0x31, address: Array(repeating: 0, count: 216))),
            Self.buffer(ProxyHeader.signatureV2 + [0x21, 0x11, 0x10, 0x00]),
        ]
        for buffer in refused {
            guard case .invalid = ProxyHeader.parse(buffer) else {
                Issue.record("accepted: \(Array(buffer.readableBytesView))")
                continue
            }
        }
    }
}
