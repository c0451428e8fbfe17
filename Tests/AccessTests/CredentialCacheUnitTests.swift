import Foundation
import Testing

@testable import Access

/// The credential cache's rules, without a database: what it serves, when it asks again, and
/// that it serves nothing while its watch is not listening.
@Suite("Credential cache rules")
struct CredentialCacheUnitTests {
    /// Counts the lookups a cache sends to its `verify` closure.
    actor Lookups {
        var value = 0

        func verify(_ answer: String?, validFor: Duration? = nil) -> CredentialCache<String>.Verified? {
            value += 1
            return answer.map { ($0, validFor) }
        }
    }

    static let digest = SecretToken.digest("rkt_test-credential")

    @Test("while the watch is not listening, every lookup goes to the database and nothing is kept")
    func notListening() async throws {
        let watch = CredentialWatch()
        let cache = CredentialCache<String>(watch: watch)
        let lookups = Lookups()
        for _ in 0..<5 {
            #expect(try await cache.value(for: Self.digest) { await lookups.verify("sam.lee") } == "sam.lee")
        }
        #expect(await lookups.value == 5)
        #expect(cache.count == 0)
        #expect(cache.statistics == .init(hits: 0, lookups: 5))
    }

    @Test("listening: one lookup, then answers from the cache; stopping listening or any change asks again")
    func listeningThenChanges() async throws {
        let watch = CredentialWatch()
        let cache = CredentialCache<String>(watch: watch)
        let lookups = Lookups()
        watch.startedListening()
        for _ in 0..<5 { _ = try await cache.value(for: Self.digest) { await lookups.verify("sam.lee") } }
        #expect(await lookups.value == 1)
        #expect(cache.statistics == .init(hits: 4, lookups: 1))

        watch.changed()
        #expect(try await cache.value(for: Self.digest) { await lookups.verify(nil) } == nil, "a change drops the kept answer")
        #expect(await lookups.value == 2)

        _ = try await cache.value(for: Self.digest) { await lookups.verify("sam.lee") }
        watch.stoppedListening()
        _ = try await cache.value(for: Self.digest) { await lookups.verify("sam.lee") }
        _ = try await cache.value(for: Self.digest) { await lookups.verify("sam.lee") }
        #expect(await lookups.value == 5, "nothing is served, nor kept, while not listening")
    }

    @Test("an answer read while a change was heard is not kept")
    func changeDuringLookup() async throws {
        let watch = CredentialWatch()
        let cache = CredentialCache<String>(watch: watch)
        let lookups = Lookups()
        watch.startedListening()
        _ = try await cache.value(for: Self.digest) {
            watch.changed()  // a revocation notified while the database was being read
            return await lookups.verify("sam.lee")
        }
        _ = try await cache.value(for: Self.digest) { await lookups.verify("sam.lee") }
        #expect(await lookups.value == 2)
    }

    @Test("unknown or refused credentials are never kept")
    func refusalsNotKept() async throws {
        let watch = CredentialWatch()
        let cache = CredentialCache<String>(watch: watch)
        let lookups = Lookups()
        watch.startedListening()
        for _ in 0..<3 { #expect(try await cache.value(for: Self.digest) { await lookups.verify(nil) } == nil) }
        #expect(await lookups.value == 3)
        #expect(cache.count == 0)
    }

    @Test("an answer is kept no longer than the credential's validity, nor than the cache's lifetime")
    func expiry() async throws {
        let watch = CredentialWatch()
        watch.startedListening()
        let lookups = Lookups()
        let cache = CredentialCache<String>(watch: watch, lifetime: .seconds(60))
        _ = try await cache.value(for: Self.digest) { await lookups.verify("sam.lee", validFor: .seconds(1)) }
        _ = try await cache.value(for: Self.digest) { await lookups.verify("sam.lee", validFor: .seconds(1)) }
        #expect(await lookups.value == 1)
        try await Task.sleep(for: .milliseconds(1200))
        #expect(try await cache.value(for: Self.digest) { await lookups.verify(nil) } == nil, "expired: asked again")
        #expect(await lookups.value == 2)

        let short = CredentialCache<String>(watch: watch, lifetime: .milliseconds(500))
        _ = try await short.value(for: Self.digest) { await lookups.verify("sam.lee") }
        try await Task.sleep(for: .milliseconds(600))
        _ = try await short.value(for: Self.digest) { await lookups.verify("sam.lee") }
        #expect(await lookups.value == 4, "past the lifetime: asked again")
    }

    @Test("the cache holds at most its capacity")
    func capacity() async throws {
        let watch = CredentialWatch()
        watch.startedListening()
        let cache = CredentialCache<String>(watch: watch, capacity: 3)
        let lookups = Lookups()
        for index in 0..<10 {
            _ = try await cache.value(for: SecretToken.digest("rkt_\(index)")) { await lookups.verify("user\(index)") }
            #expect(cache.count <= 3)
        }
        #expect(await lookups.value == 10)
    }
}
