/// Argon2id cost parameters. The defaults are the floor OWASP recommends
/// (m = 19 MiB, t = 2, p = 1); configuration may raise them, never lower them.
public struct Argon2Parameters: Sendable, Hashable {
    /// Memory in KiB.
    public var memoryKiB: UInt32
    /// Passes over memory.
    public var iterations: UInt32
    /// Lanes.
    public var parallelism: UInt32

    public static let minimum = Argon2Parameters(memoryKiB: 19_456, iterations: 2, parallelism: 1)

    public init(memoryKiB: UInt32 = 19_456, iterations: UInt32 = 2, parallelism: UInt32 = 1) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

}
