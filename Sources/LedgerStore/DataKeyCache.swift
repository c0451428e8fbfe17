/// A bounded cache of unwrapped data keys: two generations of at most `capacity` entries each.
///
/// A lookup that finds a key in the older generation moves it to the current one; when the
/// current generation is full it becomes the older one and the oldest is dropped. Keys in use
/// stay; keys of streams and months nobody touches any more go, so a process that has sealed a
/// million records' payloads holds at most `2 × capacity` keys (a key dropped is unwrapped again
/// from `data_keys` when it is next needed).
struct DataKeyCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    let capacity: Int
    private var current: [Key: Value] = [:]
    private var older: [Key: Value] = [:]

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    mutating func value(for key: Key) -> Value? {
        if let value = current[key] { return value }
        guard let value = older.removeValue(forKey: key) else { return nil }
        insert(value, for: key)
        return value
    }

    func contains(_ key: Key) -> Bool { current[key] != nil || older[key] != nil }

    mutating func insert(_ value: Value, for key: Key) {
        if current.count >= capacity, current[key] == nil {
            older = current
            current = [:]
        }
        current[key] = value
    }

    mutating func remove(where shouldRemove: (Key, Value) -> Bool) {
        current = current.filter { !shouldRemove($0.key, $0.value) }
        older = older.filter { !shouldRemove($0.key, $0.value) }
    }
}
