import HTTPTypes

extension HTTPField.Name {
    static let xFrameOptions = Self.constant("X-Frame-Options")
    static let referrerPolicy = Self.constant("Referrer-Policy")
    static let crossOriginResourcePolicy = Self.constant("Cross-Origin-Resource-Policy")
    static let strictTransportSecurity = Self.constant("Strict-Transport-Security")
    static let csrfToken = Self.constant("X-CSRF-Token")
    static let secFetchSite = Self.constant("Sec-Fetch-Site")
    static let retryAfter = Self.constant("Retry-After")
    static let crossOriginOpenerPolicy = Self.constant("Cross-Origin-Opener-Policy")
    static let permissionsPolicy = Self.constant("Permissions-Policy")

    /// A header name written in the source; an invalid one is a programming error.
    private static func constant(_ name: String) -> Self {
        guard let field = Self(name) else { preconditionFailure("\"\(name)\" is not a valid header name") }
        return field
    }
}
