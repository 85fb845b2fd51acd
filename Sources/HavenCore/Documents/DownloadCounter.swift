import Synchronization

/// How many downloads are streaming right now, so that they can share the read-ahead budget,
/// and how many chunks downloads have read from the database since the start.
final class DownloadCounter: Sendable {
    private let count = Atomic<Int>(0)
    private let chunks = Atomic<Int>(0)

    /// Counts a download in; returns how many are in progress, this one included.
    func begin() -> Int {
        self.count.add(1, ordering: .relaxed).newValue
    }

    /// How many are in progress now.
    var current: Int { self.count.load(ordering: .relaxed) }

    func end() {
        self.count.subtract(1, ordering: .relaxed)
    }

    /// Counts a chunk read.
    func read() {
        self.chunks.add(1, ordering: .relaxed)
    }

    /// Chunks read since the start.
    var chunksRead: Int { self.chunks.load(ordering: .relaxed) }
}
