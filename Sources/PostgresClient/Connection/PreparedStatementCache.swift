/// The prepared statements a connection holds on the server, by SQL text and parameter types,
/// evicting the oldest when full so a server session does not grow without bound.
struct PreparedStatementCache {
    struct Key: Hashable {
        var sql: String
        var types: [UInt32]

        init(_ query: PostgresQuery) {
            self.sql = query.sql
            self.types = query.binds.types.map(\.oid)
        }
    }

    let capacity: Int
    private var names: [Key: String] = [:]
    private var order: [Key] = []
    private var counter = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    subscript(key: Key) -> String? { self.names[key] }

    /// Assigns a name to `key`; returns it and the name of a statement evicted to make room.
    mutating func insert(_ key: Key) -> (name: String, evicted: String?) {
        var evicted: String?
        if self.order.count >= self.capacity {
            let oldest = self.order.removeFirst()
            evicted = self.names.removeValue(forKey: oldest)
        }
        self.counter += 1
        let name = "haven_\(self.counter)"
        self.names[key] = name
        self.order.append(key)
        return (name, evicted)
    }

    /// Forgets `key`; returns the name its statement had.
    @discardableResult
    mutating func remove(_ key: Key) -> String? {
        self.order.removeAll { $0 == key }
        return self.names.removeValue(forKey: key)
    }
}
