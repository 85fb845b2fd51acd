/// What the HTTP layer tells the domain about a caller: kept short, and the address truncated.
public struct ClientInfo: Sendable, Equatable {
    /// A short summary of the User-Agent (at most 120 characters).
    public let userAgent: String
    /// The /24 (IPv4) or /48 (IPv6) prefix of the source address: enough for throttling and for a
    /// user to recognise a session, not enough to locate a person.
    public let addressPrefix: String

    public init(userAgent: String?, address: String?) {
        self.userAgent = String((userAgent ?? "").prefix(120))
        self.addressPrefix = Self.prefix(of: address ?? "")
    }

    static func prefix(of address: String) -> String {
        if address.contains(":") {
            let groups = address.split(separator: ":", omittingEmptySubsequences: false).prefix(3)
            return groups.joined(separator: ":") + "::/48"
        }
        let octets = address.split(separator: ".")
        guard octets.count == 4 else { return "" }
        return octets.prefix(3).joined(separator: ".") + ".0/24"
    }
}
