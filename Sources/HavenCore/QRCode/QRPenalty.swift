/// The mask-selection score of §7.8.3 (lower is better): it penalises what confuses a reader —
/// long runs, 2×2 blocks, shapes that look like a finder, and an imbalance of dark and light.
enum QRPenalty {
    static let run = 3, block = 3, finderLike = 40, balance = 10

    /// The score of a `size`×`size` grid, row-major, 1 for dark. Runs a few times per symbol
    /// (once per mask), so it keeps to wrapping arithmetic on a buffer pointer.
    static func score(_ modules: [UInt8], size: Int) -> Int {
        modules.withUnsafeBufferPointer { grid in
            guard let base = grid.baseAddress else { return 0 }
            var total = 0
            for line in 0..<size {
                // Rows then columns: the same rules along both directions.
                total &+= Self.lineScore(base + line &* size, stride: 1, count: size)
                total &+= Self.lineScore(base + line, stride: size, count: size)
            }
            var dark = 0
            for y in 0..<(size &- 1) {
                let row = base + y &* size, next = row + size
                for x in 0..<(size &- 1) {
                    // A 2×2 block of one colour: the four add up to 0 or 4.
                    let sum = Int(row[x]) &+ Int(row[x &+ 1]) &+ Int(next[x]) &+ Int(next[x &+ 1])
                    if sum == 0 || sum == 4 { total &+= Self.block }
                }
            }
            for module in grid { dark &+= Int(module) }
            // k is how many whole 5 % steps the dark share lies beyond 45–55 %.
            let modules = size &* size
            let steps = (abs(dark &* 20 &- modules &* 10) &+ modules &- 1) / modules &- 1
            return total &+ steps &* Self.balance
        }
    }

    /// Rules 1 and 3 along one row or column: runs of five or more modules of one colour
    /// (3, plus 1 for each module beyond five), and 1:1:3:1:1 finder-like shapes with four light
    /// modules on either side (40 each). The quiet zone beyond the edges counts as light.
    @inline(__always)
    private static func lineScore(_ start: UnsafePointer<UInt8>, stride: Int, count: Int) -> Int {
        var total = 0
        var runColour = start[0]
        var runLength = 0
        // The last 15 modules seen: 4 before, the 7 of the shape, 4 after; zeros stand for the quiet zone.
        var window: UInt32 = 0
        var pointer = start
        for _ in 0..<count {
            let colour = pointer.pointee
            pointer += stride
            // Without branches: colours of random-looking data defeat branch prediction.
            let same = Int(truncatingIfNeeded: ~(colour ^ runColour) & 1)
            runLength = runLength &* same &+ 1
            runColour = colour
            total &+= (runLength == 5 ? Self.run : 0) &+ (runLength > 5 ? 1 : 0)
            window = ((window &<< 1) | UInt32(colour)) & 0x7FFF
            total &+= Self.finderLikeScore(window)
        }
        for _ in 0..<4 {
            window = (window &<< 1) & 0x7FFF
            total &+= Self.finderLikeScore(window)
        }
        return total
    }

    /// 40 if the 15-module window holds dark-light-dark×3-light-dark in its middle with four
    /// light modules before or after.
    @inline(__always)
    private static func finderLikeScore(_ window: UInt32) -> Int {
        window & 0x7F0 == 0x5D0 && (window & 0x7800 == 0 || window & 0xF == 0) ? Self.finderLike : 0
    }
}
