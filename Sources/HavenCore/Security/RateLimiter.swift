import Foundation
import Synchronization

/// At most `limit` events per key in any `window`, counted in this process's memory (a fixed
/// number of timestamps per key; keys idle for a window are forgotten).
final class RateLimiter: Sendable {
    let limit: Int
    let window: Duration
    private let events = Mutex<[UUID: [ContinuousClock.Instant]]>([:])

    init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    /// Records an event for `key`, or returns the seconds to wait when the limit is reached.
    func admit(_ key: UUID, now: ContinuousClock.Instant = .now) -> Int? {
        self.events.withLock { events in
            if events.count > 10_000 {
                events = events.filter { $0.value.last.map { now - $0 < self.window } ?? false }
            }
            var recent = (events[key] ?? []).filter { now - $0 < self.window }
            if recent.count >= self.limit, let oldest = recent.first {
                events[key] = recent
                let wait = self.window - (now - oldest)
                return max(1, Int(wait.components.seconds) + 1)
            }
            recent.append(now)
            events[key] = recent
            return nil
        }
    }
}
