import Foundation
public import KeyLookups
public import Ledger
public import Logging
import NIOConcurrencyHelpers
public import PostgresNIO
import RecordkeeperCore
public import ServiceLifecycle

/// The ledger in PostgreSQL: ledgers, the group-commit append path, reads and payload keys.
///
/// Create one per process over a running `PostgresClient`. As a `Service` it waits for graceful
/// shutdown and then drains every queued append before returning, so run it in the same
/// `ServiceGroup` as the client, after the client and before the HTTP server.
public final class LedgerStore: Service, Sendable {
    /// The pool for reads, projections and workers.
    public let client: PostgresClient
    /// The pool of the append path (group commit and data keys): apart from ``client``, so that
    /// no reader or worker holding connections can starve appends. The same client as
    /// ``client`` unless one was given; whoever created it runs it.
    public let appendClient: PostgresClient
    /// The pool of reads by key whose plans are kept (``lookUp(_:)``); nil when none was given,
    /// and those reads are then planned on every call on ``client``. Whoever created it runs its client.
    public let keyLookups: KeyLookupPool?
    public let keyRing: DataKeyRing
    public let logger: Logger
    public let limits: AppendLimits
    /// Signs checkpoints (through the wrapped signing key), opens payloads and seals other
    /// secrets (webhook relay secrets). Never logged.
    public let masterKey: MasterKey?

    private struct Running: Sendable {
        var committers: [String: GroupCommitter] = [:]
        var tasks: [Task<Void, Never>] = []
        var ledgers: [String: LedgerRef] = [:]
        var closed = false
    }
    private let running = NIOLockedValueBox(Running())

    /// - Parameters:
    ///   - client: the pool for reads (and for appends too when `appendClient` is nil).
    ///   - appendClient: a pool of its own for the append path (``appendClient``), run by the caller.
    ///   - keyLookups: the pool of kept plans (``keyLookups``), its client run by the caller.
    public init(
        client: PostgresClient, appendClient: PostgresClient? = nil, keyLookups: KeyLookupPool? = nil, masterKey: MasterKey?,
        limits: AppendLimits = AppendLimits(), logger: Logger
    ) {
        self.client = client
        self.appendClient = appendClient ?? client
        self.keyLookups = keyLookups
        self.keyRing = DataKeyRing(client: appendClient ?? client, masterKey: masterKey, logger: logger)
        self.masterKey = masterKey
        self.logger = logger
        self.limits = limits
    }

    // MARK: Ledgers

    /// The ledger `name` if it exists; nil when nothing was ever appended to it (reads that
    /// find no ledger answer "nothing yet" rather than an error).
    public func existingLedger(named name: String) async throws -> LedgerRef? {
        do {
            return try await ledger(named: name, create: false)
        } catch LedgerStoreError.ledgerNotFound {
            return nil
        }
    }

    /// The ledger with this name, created (with its head at position 0) if `create` is true.
    ///
    /// Part of the append path: it asks ``appendClient``, so that an append from inside a
    /// transaction never waits for a second connection of the readers' pool.
    public func ledger(named name: String, create: Bool = true) async throws -> LedgerRef {
        if let known = running.withLockedValue({ $0.ledgers[name] }) { return known }
        try EntryLimits.validateLedgerName(name)
        let client = appendClient
        if create {
            try await client.perform(
                "INSERT INTO ledgers (name) VALUES (\(name)) ON CONFLICT (name) DO NOTHING", logger: logger
            )
            try await client.perform(
                "INSERT INTO ledger_heads (ledger_id) SELECT id FROM ledgers WHERE name = \(name) ON CONFLICT (ledger_id) DO NOTHING",
                logger: logger
            )
        }
        let rows = try await client.query("SELECT id FROM ledgers WHERE name = \(name)", logger: logger).collect()
        guard let id = try rows.first?.decode(Int32.self) else { throw LedgerStoreError.ledgerNotFound(name) }
        let ref = LedgerRef(id: id, name: name)
        running.withLockedValue { $0.ledgers[name] = ref }
        return ref
    }

    /// Every ledger, by name.
    public func ledgers() async throws -> [LedgerRef] {
        var result: [LedgerRef] = []
        for try await (id, name) in try await client.query("SELECT id, name FROM ledgers ORDER BY name", logger: logger)
            .decode((Int32, String).self)
        {
            result.append(LedgerRef(id: id, name: name))
        }
        return result
    }

    /// The recorded head of a ledger: its last position and entry hash.
    /// - Throws: ``NestedPoolUse`` inside ``withTransaction(_:)``.
    public func head(of ledger: LedgerRef) async throws -> (position: Int64, hash: LedgerDigest) {
        try refuseInsideTransaction("head(of:)")
        let rows = try await client.query(
            "SELECT position, head_hash FROM ledger_heads WHERE ledger_id = \(ledger.id)", logger: logger
        ).collect()
        guard let row = rows.first else { throw LedgerStoreError.ledgerNotFound(ledger.name) }
        let (position, hash) = try row.decode((Int64, ByteBuffer).self)
        return (position, try LedgerDigest(bytes: hash.readableBytesView))
    }

    // MARK: Append

    /// Appends events to a ledger, atomically: all of them are committed in one transaction
    /// (together with other callers' events), or none is.
    ///
    /// Returns one receipt per event, in order. An event whose id, or dedupe key, is already in
    /// the ledger is not appended again: its receipt carries the original position.
    /// - Throws: `LedgerFormatError` for an invalid event (nothing is written),
    ///   ``LedgerStoreError`` when the batch could not be committed (nothing is written; retry
    ///   with the same event ids is safe).
    public func append(_ events: [NewEvent], to ledgerName: String) async throws -> [AppendReceipt] {
        guard !events.isEmpty else { return [] }
        guard events.count <= limits.maxSubmissionEvents else {
            throw LedgerStoreError.batchTooLarge(events: events.count, limit: limits.maxSubmissionEvents)
        }
        for event in events {
            try EntryLimits.validate(
                stream: event.stream, eventType: event.eventType, actor: event.actor, dedupeKey: event.dedupeKey, header: event.header
            )
            try HeaderValidation.validate(event.header)
            guard event.payload.count <= limits.maxPayloadBytes else {
                throw LedgerFormatError.payloadTooLarge(bytes: event.payload.count, limit: limits.maxPayloadBytes)
            }
        }
        let ledger = try await ledger(named: ledgerName)
        let scopes = events.map { DataKeyScope(ledger: ledger.name, stream: $0.stream, period: $0.occurredAt.monthPeriod) }
        let keys = try await keyRing.keys(for: scopes, ledgerID: ledger.id)
        var prepared: [PreparedEvent] = []
        prepared.reserveCapacity(events.count)
        for (event, scope) in zip(events, scopes) {
            guard let (keyID, key) = keys[scope] else {
                throw LedgerStoreError.appendFailed("no data key for \(scope.stream) \(scope.period)")
            }
            let salt = PayloadCommitment.randomSalt()
            let commitment = try PayloadCommitment.commit(salt: salt, payload: event.payload)
            let sealed = try PayloadSealer.seal(payload: event.payload, salt: salt, key: key, ledger: ledger.name, eventID: event.eventID)
            prepared.append(PreparedEvent(event: event, commitment: commitment, dataKeyID: keyID, sealed: sealed))
        }
        return try await committer(for: ledger).submit(prepared)
    }

    /// Appends one event.
    public func append(_ event: NewEvent, to ledgerName: String) async throws -> AppendReceipt {
        try await append([event], to: ledgerName)[0]
    }

    private func committer(for ledger: LedgerRef) throws -> GroupCommitter {
        try running.withLockedValue { running in
            if let existing = running.committers[ledger.name] { return existing }
            guard !running.closed else { throw LedgerStoreError.shuttingDown }
            let committer = GroupCommitter(ledger: ledger, client: appendClient, limits: limits, logger: logger)
            running.committers[ledger.name] = committer
            running.tasks.append(Task { await committer.run() })
            return committer
        }
    }

    /// Totals of the group-commit path since this store started, over all ledgers.
    public func appendStatistics() -> AppendStatistics {
        let committers = running.withLockedValue { Array($0.committers.values) }
        var total = AppendStatistics()
        for committer in committers {
            let stats = committer.statistics.withLockedValue { $0 }
            total.transactions += stats.transactions
            total.events += stats.events
        }
        return total
    }

    /// How long the oldest append still waiting for its commit has waited, over all ledgers;
    /// zero when none waits. A value that keeps growing means appends cannot complete (the
    /// database does not answer, or the append pool is stuck): `/healthz` reports it.
    public func appendWait() -> Duration {
        let committers = running.withLockedValue { Array($0.committers.values) }
        guard let oldest = committers.compactMap({ $0.oldestWaiting() }).min() else { return .zero }
        return ContinuousClock.now - oldest
    }

    // MARK: Lifecycle

    /// Runs `body` with a store over a running `client`, then drains its queued appends, whether
    /// `body` returns or throws. For commands and tests; the server runs the store as a `Service`.
    public static func withStore<T: Sendable>(
        client: PostgresClient, masterKey: MasterKey?, limits: AppendLimits = AppendLimits(), logger: Logger,
        _ body: (LedgerStore) async throws -> T
    ) async throws -> T {
        let store = LedgerStore(client: client, masterKey: masterKey, limits: limits, logger: logger)
        do {
            let result = try await body(store)
            await store.shutdown()
            return result
        } catch {
            await store.shutdown()
            throw error
        }
    }

    /// Waits for graceful shutdown, then drains queued appends.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Stops accepting appends and waits until every queued one is committed (or failed).
    public func shutdown() async {
        let (committers, tasks) = running.withLockedValue { running in
            running.closed = true
            return (Array(running.committers.values), running.tasks)
        }
        for committer in committers { committer.close() }
        for task in tasks { await task.value }
    }
}

/// The retained header must be a JSON object (small, and never message content).
enum HeaderValidation {
    static func validate(_ header: String) throws {
        guard case .object? = try? JSONValue.parse(Array(header.utf8)) else { throw HeaderError.notAJSONObject }
    }

    enum HeaderError: Error, CustomStringConvertible {
        case notAJSONObject
        var description: String { "the retained header must be a JSON object, e.g. {\"direction\":\"inbound\"}" }
    }
}
