import Foundation

/// The C allocator (glibc's malloc), set up for a server that hands large buffers between many
/// threads: event loops, the database threads and the task pool.
public enum Allocator {
    /// Limits glibc to `count` malloc arenas unless MALLOC_ARENA_MAX says otherwise. By default it
    /// makes up to eight per core, and memory freed on one thread's arena is kept for that arena:
    /// ten parallel 1 GiB downloads grew the server by 83 MiB with the default and by 50 MiB with
    /// two arenas, at the same throughput. Call it first thing in `main`.
    public static func limitArenas(to count: Int32 = 2) {
        guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil,
            let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt")
        else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        // M_ARENA_MAX in malloc.h, which Swift's Glibc module does not show.
        _ = mallopt(-8, count)
    }
}
