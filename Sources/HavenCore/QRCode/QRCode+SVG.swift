extension QRCode {
    /// The symbol as a compact SVG image for a page: one path of the dark modules (a rectangle
    /// per run in a row) over a light square, with a quiet zone, `role="img"` and a `<title>` for
    /// screen readers. Attributes only — no `style` or script, which the pages' CSP forbids.
    /// - Parameters:
    ///   - title: what the image is, in the page's language (escaped here).
    ///   - moduleSize: CSS pixels per module for the `width` and `height` attributes.
    ///   - quietZone: light modules around the symbol; the standard asks for 4.
    public func svg(title: String, moduleSize: Int = 4, quietZone: Int = 4) -> String {
        let side = self.size + 2 * max(0, quietZone)
        let offset = max(0, quietZone)
        let pixels = side * max(1, moduleSize)
        // Built as bytes: string interpolation per run would cost more than the encoding itself.
        var path: [UInt8] = []
        path.reserveCapacity(self.size * self.size * 3)
        for y in 0..<self.size {
            var x = 0
            while x < self.size {
                guard self.modules[y * self.size + x] != 0 else {
                    x += 1
                    continue
                }
                let start = x
                while x < self.size && self.modules[y * self.size + x] != 0 { x += 1 }
                // A rectangle one module high: "M{x} {y}h{length}v1h-{length}z".
                path.append(UInt8(ascii: "M"))
                Self.appendDecimal(start + offset, to: &path)
                path.append(UInt8(ascii: " "))
                Self.appendDecimal(y + offset, to: &path)
                path.append(UInt8(ascii: "h"))
                Self.appendDecimal(x - start, to: &path)
                path.append(contentsOf: "v1h-".utf8)
                Self.appendDecimal(x - start, to: &path)
                path.append(UInt8(ascii: "z"))
            }
        }
        // XML refuses most control characters even escaped: they are left out of the title.
        let printable = String(String.UnicodeScalarView(title.unicodeScalars.filter(Self.allowedInXML)))
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" width="\(pixels)" height="\(pixels)" \
            role="img" shape-rendering="crispEdges"><title>\(HTMLText.escape(printable))</title>\
            <rect width="\(side)" height="\(side)" fill="#fff"/><path fill="#000" d="\(String(decoding: path, as: UTF8.self))"/></svg>
            """
    }

    /// Whether XML 1.0 allows `scalar` in text (§2.2): not C0 controls but tab and newlines, nor U+FFFE or U+FFFF.
    private static func allowedInXML(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: true
        case 0..<0x20, 0xFFFE, 0xFFFF: false
        default: true
        }
    }

    /// `value` (not negative) in decimal digits.
    private static func appendDecimal(_ value: Int, to output: inout [UInt8]) {
        if value >= 10 { Self.appendDecimal(value / 10, to: &output) }
        output.append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}
