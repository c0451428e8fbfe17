import NIOConcurrencyHelpers

/// Verified credentials of one kind (staff principals, integration names), kept for a short
/// ``lifetime`` under the SHA-256 of the credential, never the credential itself
/// (docs/operations.md, "Cached credentials").
///
/// Only answers that let a caller in are kept: an unknown, revoked or expired credential is
/// looked up in the database every time. An answer is served from the cache only while
///
/// - the ``watch`` is listening and has seen no change since the answer was read (one
///   notification of a changed user, role, team, token, session or integration drops all);
/// - its ``lifetime`` has not run out, and
/// - the credential has not expired: an answer is kept at most until the expiry the database
///   reported, counted from before the lookup was sent, so it ends no later than the database's
///   own `expires_at`.
///
/// Looking a digest up in a dictionary reveals nothing useful through its timing: a caller
/// cannot choose the SHA-256 of what they send. The cache holds at most ``capacity`` answers.
public final class CredentialCache<Value: Sendable>: Sendable {
    /// How long an answer is kept by default: 10 s. Revocations do not wait for it (the watch
    /// drops answers at once); it bounds how long a change that bypassed the triggers (a superuser
    /// who disabled them, a restored backup) could go unnoticed, and a client that reuses its
    /// credential within seconds still saves nearly every lookup.
    public static var defaultLifetime: Duration { .seconds(10) }
    /// How many answers are kept by default (a few hundred bytes each).
    public static var defaultCapacity: Int { 4096 }

    /// What a lookup found, and for how long the database says it stays valid (nil: until revoked).
    public typealias Verified = (value: Value, validFor: Duration?)

    /// How often the cache answered, and how often it asked the database.
    public struct Statistics: Sendable, Equatable {
        /// Answers served from the cache.
        public var hits = 0
        /// Lookups sent to the database (cache misses, whatever they found).
        public var lookups = 0
    }

    private struct Entry {
        var value: Value
        var generation: CredentialWatch.Generation
        var until: ContinuousClock.Instant
    }

    private struct State {
        var entries: [TokenDigest: Entry] = [:]
        var statistics = Statistics()
    }

    /// The changes that drop answers, and whether answers may be served at all.
    public let watch: CredentialWatch
    /// The longest an answer is kept.
    public let lifetime: Duration
    /// The most answers kept.
    public let capacity: Int
    private let state = NIOLockedValueBox(State())

    /// - Parameters:
    ///   - watch: the process's credential watch (one for every cache of the process).
    ///   - lifetime: the longest an answer is kept (``defaultLifetime``).
    ///   - capacity: the most answers kept (``defaultCapacity``).
    public init(watch: CredentialWatch, lifetime: Duration = .seconds(10), capacity: Int = 4096) {
        self.watch = watch
        self.lifetime = lifetime
        self.capacity = max(1, capacity)
    }

    /// The answer for the credential whose SHA-256 is `digest`: the kept one while it may be
    /// served, else what `verify` (the database lookup) finds, kept when the watch allows.
    /// - Throws: what `verify` throws (nothing is kept then).
    public func value(for digest: TokenDigest, verify: () async throws -> Verified?) async throws -> Value? {
        let asked = ContinuousClock.now
        if let kept = kept(digest, now: asked) { return kept }
        // Taken before the database is read: a change heard after this drops what the read found.
        let ticket = watch.ticket
        state.withLockedValue { $0.statistics.lookups += 1 }
        guard let found = try await verify() else { return nil }
        if let ticket {
            let keptFor = found.validFor.map { min($0, lifetime) } ?? lifetime
            keep(found.value, for: digest, generation: ticket, until: asked + keptFor)
        }
        return found.value
    }

    /// How often the cache answered and how often it asked the database, since it was made.
    public var statistics: Statistics { state.withLockedValue { $0.statistics } }

    /// How many answers are held (some may no longer be served).
    public var count: Int { state.withLockedValue { $0.entries.count } }

    private func kept(_ digest: TokenDigest, now: ContinuousClock.Instant) -> Value? {
        state.withLockedValue { state in
            guard let entry = state.entries[digest] else { return nil }
            guard now < entry.until, watch.isCurrent(entry.generation) else {
                state.entries[digest] = nil
                return nil
            }
            state.statistics.hits += 1
            return entry.value
        }
    }

    private func keep(_ value: Value, for digest: TokenDigest, generation: CredentialWatch.Generation, until: ContinuousClock.Instant) {
        guard until > ContinuousClock.now else { return }
        state.withLockedValue { state in
            guard watch.isCurrent(generation) else { return }
            if state.entries[digest] == nil, state.entries.count >= capacity {
                let now = ContinuousClock.now
                state.entries = state.entries.filter { now < $0.value.until && $0.value.generation == generation }
                if state.entries.count >= capacity { state.entries.remove(at: state.entries.startIndex) }
            }
            state.entries[digest] = Entry(value: value, generation: generation, until: until)
        }
    }
}
