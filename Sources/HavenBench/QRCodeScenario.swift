import Foundation
import HavenCore

/// The two-factor enrolment's QR code: a 200-byte `otpauth://` URI (version 10-M, the largest
/// an enrolment is likely to need) encoded with the best of eight masks, then drawn as SVG.
/// No reference tool: the figure is CPU time per code, against a target of well under 1 ms.
struct QRCodeScenario {
    let rounds: Int
    let iterations = 2_000

    func run(into report: inout BenchReport) throws {
        let uri = "otpauth://totp/Haven:" + String(repeating: "%D8%B3", count: 23) + "%40example.org?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
            + "&issuer=Haven&algorithm=SHA1&digits=6&period=30"
        let bytes = Array(uri.utf8.prefix(200))
        var encode: [Double] = []
        var draw: [Double] = []
        var code = try QRCode(encoding: bytes)
        for _ in 0..<self.rounds {
            var start = Self.cpuMicroseconds()
            for _ in 0..<self.iterations { code = try QRCode(encoding: bytes) }
            encode.append((Self.cpuMicroseconds() - start) / Double(self.iterations))
            start = Self.cpuMicroseconds()
            var length = 0
            for _ in 0..<self.iterations { length &+= code.svg(title: "QR code").utf8.count }
            draw.append((Self.cpuMicroseconds() - start) / Double(self.iterations))
            precondition(length > 0)
        }
        let encodeMedian = PoolScenario.median(encode), drawMedian = PoolScenario.median(draw)
        report.notes.append(
            "QR code of a 200-byte otpauth URI (version \(code.version)-M): encoded in \(Int(encodeMedian.rounded())) µs of CPU, "
                + "SVG in \(Int(drawMedian.rounded())) µs (target < 1 ms together: \(encodeMedian + drawMedian < 1000 ? "met" : "MISSED"))"
        )
    }

    /// This thread's CPU time: the figure does not count time other processes take the core.
    static func cpuMicroseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1e6 + Double(time.tv_nsec) / 1e3
    }
}
