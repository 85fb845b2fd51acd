import Foundation

/// Runs Argon2id on threads of its own, a bounded number at a time, with a bounded queue.
///
/// Hashing is slow by design; a flood of logins must not take every thread or pile up without
/// end. When the queue is full, work is refused at once with `PasswordHashingError.overloaded`,
/// which the HTTP layer answers with 503 and Retry-After.
public final class PasswordHashingPool: @unchecked Sendable {
    public let hasher: PasswordHasher
    public let workers: Int
    public let queueLimit: Int

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [() -> Void] = []
    private var running = true
    private var busy = 0
    /// A hash of a random password with the current parameters, verified against for unknown
    /// accounts so that they cost what known ones do.
    private let dummyHash: String

    /// - Parameters:
    ///   - workers: threads hashing at once (default: the number of cores)
    ///   - queueLimit: jobs that may wait for a thread before new ones are refused
    public init(hasher: PasswordHasher, workers: Int = ProcessInfo.processInfo.activeProcessorCount, queueLimit: Int = 64) throws(PasswordHashingError) {
        self.hasher = hasher
        self.workers = max(1, workers)
        self.queueLimit = max(0, queueLimit)
        self.dummyHash = try hasher.hash(UUID().uuidString)
        for index in 0..<self.workers {
            let thread = Thread { [self] in self.work() }
            thread.name = "argon2-\(index)"
            thread.start()
        }
    }

    /// Jobs waiting for a thread, for metrics.
    public var queueDepth: Int { self.condition.withLock { self.queue.count } }

    /// Hashes `password` with a fresh salt.
    public func hash(_ password: String) async throws -> String {
        try await self.submit { () throws(PasswordHashingError) in try self.hasher.hash(password) }
    }

    /// Checks `password` against `storedHash`.
    public func verify(_ password: String, against storedHash: String) async throws -> PasswordHasher.Verification {
        try await self.submit { () throws(PasswordHashingError) in try self.hasher.verify(password, against: storedHash) }
    }

    /// Spends the time a verification costs and answers `.invalid`: for accounts that do not exist.
    public func verifyWithoutAccount(_ password: String) async throws -> PasswordHasher.Verification {
        _ = try await self.verify(password, against: self.dummyHash)
        return .invalid
    }

    /// Stops the threads once the queue is drained.
    public func shutdown() {
        self.condition.withLock {
            self.running = false
            self.condition.broadcast()
        }
    }

    private func submit<T: Sendable>(_ job: @escaping @Sendable () throws(PasswordHashingError) -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = self.condition.withLock { () -> Bool in
                guard self.running, self.queue.count < self.queueLimit || self.busy < self.workers else { return false }
                self.queue.append {
                    do { continuation.resume(returning: try job()) } catch { continuation.resume(throwing: error) }
                }
                self.condition.signal()
                return true
            }
            if !accepted { continuation.resume(throwing: PasswordHashingError.overloaded) }
        }
    }

    private func work() {
        while true {
            let job: (() -> Void)? = self.condition.withLock {
                while self.running && self.queue.isEmpty { self.condition.wait() }
                guard !self.queue.isEmpty else { return nil }
                self.busy += 1
                return self.queue.removeFirst()
            }
            guard let job else { return }
            job()
            self.condition.withLock { self.busy -= 1 }
        }
    }
}
