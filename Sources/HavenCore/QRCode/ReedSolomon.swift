/// Reed–Solomon error correction over GF(2⁸) with the QR code's field polynomial
/// x⁸ + x⁴ + x³ + x² + 1 (ISO/IEC 18004 §7.5.2): the error-correction codewords of a block are the
/// remainder of the data polynomial, times x^degree, divided by the generator polynomial.
struct ReedSolomon: Sendable {
    /// The generator's coefficients below the leading 1, highest degree first, as logarithms:
    /// (x − α⁰)(x − α¹)…(x − α^(degree−1)).
    private let generatorLogs: [UInt8]

    /// A generator for `degree` error-correction codewords (7 to 30 in QR codes).
    init(degree: Int) {
        precondition((1...254).contains(degree), "Reed–Solomon degree out of range")
        // Multiply (x − αⁱ) in one at a time; coefficients kept highest degree first, leading 1 implied.
        var coefficients = [UInt8](repeating: 0, count: degree)
        coefficients[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for index in coefficients.indices {
                coefficients[index] = GaloisField.multiply(coefficients[index], root)
                if index + 1 < coefficients.count {
                    coefficients[index] ^= coefficients[index + 1]
                }
            }
            root = GaloisField.multiply(root, 2)
        }
        // For the degrees QR codes use no coefficient is zero (tables A.1 to A.7 of the standard list
        // each as a power of α), so each has a logarithm.
        assert(!coefficients.contains(0))
        self.generatorLogs = coefficients.map { GaloisField.log[Int($0)] }
    }

    var degree: Int { self.generatorLogs.count }

    /// The error-correction codewords of `data`, appended to `output`.
    func appendRemainder(of data: ArraySlice<UInt8>, to output: inout [UInt8]) {
        let start = output.count
        let degree = self.degree
        output.append(contentsOf: repeatElement(0, count: degree))
        output.withUnsafeMutableBufferPointer { buffer in
            let remainder = UnsafeMutableBufferPointer(rebasing: buffer[start...])
            for byte in data {
                let factor = byte ^ remainder[0]
                // Shift the remainder one place towards the high degree.
                for index in 0..<(degree - 1) {
                    remainder[index] = remainder[index + 1]
                }
                remainder[degree - 1] = 0
                guard factor != 0 else { continue }
                let factorLog = Int(GaloisField.log[Int(factor)])
                for index in 0..<degree {
                    remainder[index] ^= GaloisField.exp[Int(self.generatorLogs[index]) + factorLog]
                }
            }
        }
    }

    /// The error-correction codewords of `data`.
    func remainder(of data: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(self.degree)
        self.appendRemainder(of: data[...], to: &output)
        return output
    }
}

/// Arithmetic in GF(2⁸) modulo 0x11D through logarithm tables, built once.
enum GaloisField {
    /// αⁱ for i in 0..<510: doubled so that the sum of two logarithms needs no reduction.
    static let exp: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for index in 0..<255 {
            table[index] = UInt8(value)
            table[index + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        return table
    }()

    /// log_α(v) for v in 1...255; entry 0 is unused (zero has no logarithm).
    static let log: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for index in 0..<255 {
            table[Int(Self.exp[index])] = UInt8(index)
        }
        return table
    }()

    static func multiply(_ left: UInt8, _ right: UInt8) -> UInt8 {
        guard left != 0, right != 0 else { return 0 }
        return Self.exp[Int(Self.log[Int(left)]) + Int(Self.log[Int(right)])]
    }
}
