import Testing

@testable import LedgerStore

/// The cache of unwrapped data keys stays bounded however many streams and months a process
/// seals, and keeps the keys in use.
@Suite("Data key cache")
struct DataKeyCacheTests {
    @Test("a million keys sealed leave at most two generations in memory, and a key in use survives")
    func boundedAndKeepsKeysInUse() {
        var cache = DataKeyCache<Int, String>(capacity: 1_000)
        cache.insert("hot", for: -1)
        for key in 0..<1_000_000 {
            cache.insert("key \(key)", for: key)
            if key % 500 == 0 { #expect(cache.value(for: -1) == "hot") }
        }
        #expect(cache.value(for: -1) == "hot", "the key looked up all along is still there")
        #expect(cache.value(for: 999_999) == "key 999999")
        #expect(cache.value(for: 0) == nil, "an old key nobody asked for again is gone")
        var held = 0
        for key in 0..<1_000_000 where cache.contains(key) { held += 1 }
        #expect(held <= 2_000)
    }

    @Test("a destroyed key is removed from both generations")
    func removeReachesBothGenerations() {
        var cache = DataKeyCache<Int, String>(capacity: 2)
        cache.insert("a", for: 1)
        cache.insert("b", for: 2)
        cache.insert("c", for: 3)  // 1 and 2 are now the older generation
        cache.remove { key, _ in key == 1 || key == 3 }
        #expect(!cache.contains(1) && !cache.contains(3))
        #expect(cache.value(for: 2) == "b")
    }
}
