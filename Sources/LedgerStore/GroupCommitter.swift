import Foundation
import Ledger
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// Limits on one group-commit batch.
public struct AppendLimits: Sendable {
    /// The most events one transaction holds (several callers' submissions together).
    public var maxBatchEvents: Int = 4096
    /// The most sealed payload bytes one transaction holds (a single larger submission still goes alone).
    public var maxBatchBytes: Int = 32 * 1024 * 1024
    /// The largest payload one event may carry (media are stored as payloads too).
    public var maxPayloadBytes: Int = 64 * 1024 * 1024
    /// The most events one caller may submit at once.
    public var maxSubmissionEvents: Int = 10_000
    /// How often a batch is retried after losing a race for the head or meeting a duplicate.
    public var maxAttempts: Int = 16
    /// The longest one append statement may take before its batch is failed (callers may retry
    /// with the same event ids). A statement that the server's shutdown interrupts can leave
    /// PostgresNIO waiting forever; without this bound the ledger's committer would stop.
    public var statementTimeout: Duration = .seconds(60)

    public init() {}
}

/// The one append path of a ledger: concurrent callers' submissions are queued and committed
/// together, in one statement and one transaction that moves the ledger head.
///
/// The committer keeps the head (position, hash) it last wrote. Each batch is hashed from that
/// head and written by a single statement that updates the head row only if it is still where
/// the committer left it (`WHERE position = expected`), taking the row lock, and inserts the
/// entries and payloads with array binds, all in one implicit transaction. If another process
/// moved the head, the update matches no row, nothing is inserted, and the committer reloads the
/// head and re-hashes. Positions are therefore gapless and the chain never forks, with one round
/// trip per batch in the common case.
final class GroupCommitter: Sendable {
    struct Submission: Sendable {
        var events: [PreparedEvent]
        var continuation: CheckedContinuation<[AppendReceipt], any Error>
        var bytes: Int
        var enqueued: ContinuousClock.Instant
    }

    private struct State: Sendable {
        var queue: [Submission] = []
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
        /// When the oldest submission of the batch being committed was queued.
        var inFlightSince: ContinuousClock.Instant?
    }

    fileprivate struct Head: Sendable {
        var position: Int64
        var hash: LedgerDigest
        /// The Merkle tree's frontier at `position`.
        var tree: CompactRange
    }

    let ledger: LedgerRef
    private let client: PostgresClient
    private let logger: Logger
    private let limits: AppendLimits
    private let state = NIOLockedValueBox(State())
    /// Transactions committed and events they appended, for benchmarks and metrics.
    let statistics = NIOLockedValueBox(AppendStatistics())

    init(ledger: LedgerRef, client: PostgresClient, limits: AppendLimits, logger: Logger) {
        self.ledger = ledger
        self.client = client
        self.limits = limits
        self.logger = logger
    }

    /// Queues events for the next batch and waits until they are committed.
    func submit(_ events: [PreparedEvent]) async throws -> [AppendReceipt] {
        let bytes = events.reduce(0) { $0 + $1.sealed.count + 256 }
        return try await withCheckedThrowingContinuation { continuation in
            let (accepted, waiter) = state.withLockedValue { state -> (Bool, CheckedContinuation<Void, Never>?) in
                guard !state.closed else { return (false, nil) }
                state.queue.append(Submission(events: events, continuation: continuation, bytes: bytes, enqueued: .now))
                let waiter = state.waiter
                state.waiter = nil
                return (true, waiter)
            }
            guard accepted else {
                continuation.resume(throwing: LedgerStoreError.shuttingDown)
                return
            }
            waiter?.resume()
        }
    }

    /// Stops accepting submissions; ``run()`` returns once the queue is drained.
    func close() {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.closed = true
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Commits batches until closed and drained.
    func run() async {
        var head: Head? = nil
        while let batch = await nextBatch() {
            await commit(batch, head: &head)
            state.withLockedValue { $0.inFlightSince = nil }
        }
    }

    /// When the oldest submission still waiting for its commit was queued; nil when none waits.
    func oldestWaiting() -> ContinuousClock.Instant? {
        state.withLockedValue { state in
            [state.inFlightSince, state.queue.first?.enqueued].compactMap { $0 }.min()
        }
    }

    private func nextBatch() async -> [Submission]? {
        enum Step { case batch([Submission]), finished, wait }
        while true {
            let step = state.withLockedValue { state -> Step in
                if !state.queue.isEmpty {
                    var taken = 0
                    var events = 0
                    var bytes = 0
                    while taken < state.queue.count {
                        let next = state.queue[taken]
                        if taken > 0 && (events + next.events.count > limits.maxBatchEvents || bytes + next.bytes > limits.maxBatchBytes) {
                            break
                        }
                        events += next.events.count
                        bytes += next.bytes
                        taken += 1
                    }
                    let batch = Array(state.queue[..<taken])
                    state.queue.removeFirst(taken)
                    state.inFlightSince = batch.first?.enqueued
                    return .batch(batch)
                }
                return state.closed ? .finished : .wait
            }
            switch step {
            case .batch(let batch): return batch
            case .finished: return nil
            case .wait:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLockedValue { state -> Bool in
                        if !state.queue.isEmpty || state.closed { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
        }
    }

    private func commit(_ batch: [Submission], head: inout Head?) async {
        // Dedupe keys are compared as UTF-8 bytes, as PostgreSQL compares text: Swift's String
        // equality treats canonically equivalent (NFC/NFD) strings as equal.
        var knownIDs: [UUID: Int64] = [:]
        var knownKeys: [[UInt8]: Int64] = [:]
        var stale: Head? = nil
        for attempt in 1...limits.maxAttempts {
            do {
                // After losing the race a few times, take the head row's lock first: slower,
                // but another writer can no longer move the head under us, so we progress.
                if attempt > Self.optimisticAttempts, head == nil {
                    let (ids, keys, after) = (knownIDs, knownKeys, stale)
                    if let receipts = try await withDeadline(
                        limits.statementTimeout,
                        {
                            try await self.commitLocked(batch, after: after, knownIDs: ids, knownKeys: keys)
                        })
                    {
                        head = receipts.head
                        finish(batch, receipts: receipts.receipts)
                        return
                    }
                    continue
                }
                let current: Head
                if let head {
                    current = head
                } else {
                    let after = stale
                    current = try await withDeadline(limits.statementTimeout) { try await self.loadHead(extending: after) }
                }
                head = current
                let plan = plan(batch, from: current, knownIDs: knownIDs, knownKeys: knownKeys)
                if plan.positions.isEmpty {
                    finish(batch, receipts: plan.receipts)
                    return
                }
                if try await withDeadline(limits.statementTimeout, { try await self.write(plan, expectedHead: current, on: nil) }) {
                    head = Head(position: plan.lastPosition, hash: plan.lastHash, tree: plan.tree)
                    statistics.withLockedValue {
                        $0.transactions += 1
                        $0.events += plan.positions.count
                    }
                    finish(batch, receipts: plan.receipts)
                    return
                }
                logger.debug("ledger head moved by another writer; re-hashing", metadata: ["ledger": "\(ledger.name)", "attempt": "\(attempt)"])
                stale = current
                head = nil
                // A short random pause, so that two writers do not keep colliding in step.
                try? await Task.sleep(for: .microseconds(Int.random(in: 0...(500 * attempt))))
            } catch  where error.sqlState == "23505" && error.constraintName == "merkle_nodes_pkey" {
                // Only a row planted in merkle_nodes beyond the head (tampering) collides here.
                fail(
                    batch,
                    with: LedgerStoreError.treeIncomplete(
                        "merkle_nodes holds a node beyond the ledger head, so no entry can be appended after it"))
                return
            } catch  where error.sqlState == "23505" {
                stale = head
                head = nil
                do {
                    try await lookUpDuplicates(batch, ids: &knownIDs, keys: &knownKeys)
                } catch {
                    fail(batch, with: LedgerStoreError.database(error.serverMessage))
                    return
                }
            } catch {
                stale = nil
                head = nil
                logger.error("append failed", metadata: ["ledger": "\(ledger.name)", "error": "\(describeError(error))"])
                fail(batch, with: (error as? LedgerStoreError) ?? LedgerStoreError.appendFailed(error.serverMessage))
                return
            }
        }
        fail(batch, with: LedgerStoreError.appendFailed("the ledger head kept moving (\(limits.maxAttempts) attempts); try again"))
    }

    /// The rows of one batch: positions assigned from `head`, hashes chained, duplicates answered.
    fileprivate struct Plan: Sendable {
        var receipts: [[AppendReceipt]] = []
        var positions: [Int64] = []
        var eventIDs: [UUID] = []
        var streams: [String] = []
        var types: [String] = []
        var occurred: [Int64] = []
        var recorded: [Int64] = []
        var actors: [String] = []
        var dedupeKeys: [String] = []
        var headers: [String] = []
        var commitments: [ByteBuffer] = []
        var previous: [ByteBuffer] = []
        var hashes: [ByteBuffer] = []
        var keyIDs: [Int64] = []
        var sealed: [ByteBuffer] = []
        var lastPosition: Int64 = 0
        var lastHash = LedgerDigest.genesis
        /// Merkle nodes the batch completes at the stored levels.
        var nodeLastPositions: [Int64] = []
        var nodeLevels: [Int16] = []
        var nodeHashes: [ByteBuffer] = []
        var tree = CompactRange()
    }

    private func plan(_ batch: [Submission], from head: Head, knownIDs: [UUID: Int64], knownKeys: [[UInt8]: Int64]) -> Plan {
        var plan = Plan()
        var ids = knownIDs
        var keys = knownKeys
        var position = head.position
        var previous = head.hash
        var tree = head.tree
        let recordedAt = LedgerTimestamp.now()
        for submission in batch {
            var receipts: [AppendReceipt] = []
            receipts.reserveCapacity(submission.events.count)
            for prepared in submission.events {
                let event = prepared.event
                if let original = ids[event.eventID] ?? event.dedupeKey.flatMap({ keys[Array($0.utf8)] }) {
                    receipts.append(AppendReceipt(eventID: event.eventID, position: original, alreadyRecorded: true))
                    continue
                }
                position += 1
                let fields = EntryFields(
                    ledger: ledger.name, position: position, eventID: event.eventID, stream: event.stream,
                    eventType: event.eventType, occurredAt: event.occurredAt, recordedAt: recordedAt, actor: event.actor,
                    dedupeKey: event.dedupeKey, header: event.header, payloadCommitment: prepared.commitment
                )
                let hash = EntryEncoding.entryHash(fields, previousHash: previous)
                plan.positions.append(position)
                plan.eventIDs.append(event.eventID)
                plan.streams.append(event.stream)
                plan.types.append(event.eventType)
                plan.occurred.append(event.occurredAt.microseconds)
                plan.recorded.append(recordedAt.microseconds)
                plan.actors.append(event.actor)
                plan.dedupeKeys.append(event.dedupeKey ?? "")
                plan.headers.append(event.header)
                plan.commitments.append(ByteBuffer(bytes: prepared.commitment.bytes))
                plan.previous.append(ByteBuffer(bytes: previous.bytes))
                plan.hashes.append(ByteBuffer(bytes: hash.bytes))
                plan.keyIDs.append(prepared.dataKeyID)
                plan.sealed.append(ByteBuffer(bytes: prepared.sealed))
                ids[event.eventID] = position
                if let key = event.dedupeKey { keys[Array(key.utf8)] = position }
                previous = hash
                tree.append(MerkleHash.leaf(entryHash: hash)) { subtree, nodeHash in
                    guard StoredTree.isStored(subtree) else { return }
                    let key = StoredTree.rowKey(subtree)
                    plan.nodeLastPositions.append(key.lastPosition)
                    plan.nodeLevels.append(key.level)
                    plan.nodeHashes.append(ByteBuffer(bytes: nodeHash.bytes))
                }
                receipts.append(AppendReceipt(eventID: event.eventID, position: position, alreadyRecorded: false))
            }
            plan.receipts.append(receipts)
        }
        plan.lastPosition = position
        plan.lastHash = previous
        plan.tree = tree
        return plan
    }

    /// Lost races tried optimistically before a batch takes the head row's lock.
    static let optimisticAttempts = 3

    /// Commits a batch while holding the head row's lock (`rk_lock_head()`), in one
    /// transaction: the head cannot move between reading it and writing after it.
    /// - Returns: nil if the batch turned out to meet a duplicate (the caller looks it up).
    private func commitLocked(
        _ batch: [Submission], after stale: Head?, knownIDs: [UUID: Int64], knownKeys: [[UInt8]: Int64]
    ) async throws -> (head: Head, receipts: [[AppendReceipt]])? {
        try await client.withTransaction(logger: logger) { connection in
            let current = try await self.loadHead(extending: stale, on: connection, lock: true)
            let plan = self.plan(batch, from: current, knownIDs: knownIDs, knownKeys: knownKeys)
            if plan.positions.isEmpty { return (current, plan.receipts) }
            guard try await self.write(plan, expectedHead: current, on: connection) else {
                throw LedgerStoreError.appendFailed("the ledger head moved while its row was locked")
            }
            self.statistics.withLockedValue {
                $0.transactions += 1
                $0.events += plan.positions.count
            }
            return (Head(position: plan.lastPosition, hash: plan.lastHash, tree: plan.tree), plan.receipts)
        }
    }

    /// Writes a planned batch in one statement; `false` when the head was not where expected.
    private func write(_ plan: Plan, expectedHead: Head, on connection: PostgresConnection?) async throws -> Bool {
        let statement = AppendStatement(ledgerID: ledger.id, plan: plan, expectedHead: expectedHead)
        var result: (moved: Int64, entries: Int64, payloads: Int64, nodes: Int64)?
        if let connection {
            for try await row in try await connection.execute(statement, logger: logger) { result = row }
        } else {
            for try await row in try await client.execute(statement, logger: logger) { result = row }
        }
        guard let (moved, entries, payloads, nodes) = result else {
            throw LedgerStoreError.appendFailed("the append statement returned nothing")
        }
        if moved == 0 { return false }
        guard entries == Int64(plan.positions.count), payloads == entries, nodes == Int64(plan.nodeLevels.count) else {
            throw LedgerStoreError.appendFailed(
                "inserted \(entries) entries, \(payloads) payloads and \(nodes) tree nodes for \(plan.positions.count) events")
        }
        return true
    }

    /// The append statement, prepared once per connection: one call of `rk_append()`
    /// (Migrations/0014_database_door.sql), the security-definer function that moves the head
    /// only if it is where the plan started (taking the head row's lock), only over a gapless run
    /// of entries linked to it, and inserts the entries, payloads and tree nodes only if it
    /// moved, with one array bind per column. The service role cannot write those tables or move
    /// the head itself.
    private struct AppendStatement: PostgresPreparedStatement {
        static let name = "recordkeeper_append_v3"
        static let sql = """
            SELECT moved, entries, payloads, nodes
            FROM rk_append($1::int4, $4::int8, $5::bytea, $2::int8, $3::bytea,
                           $6::int8[], $7::uuid[], $8::text[], $9::text[], $10::int8[], $11::int8[], $12::text[],
                           $13::text[], $14::text[], $15::bytea[], $16::bytea[], $17::bytea[],
                           $18::int8[], $19::bytea[], $20::int8[], $21::int2[], $22::bytea[])
            """
        typealias Row = (Int64, Int64, Int64, Int64)

        var ledgerID: Int32
        var plan: Plan
        var expectedHead: Head

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 22)
            bindings.append(ledgerID)
            bindings.append(plan.lastPosition)
            bindings.append(ByteBuffer(bytes: plan.lastHash.bytes))
            bindings.append(expectedHead.position)
            bindings.append(ByteBuffer(bytes: expectedHead.hash.bytes))
            bindings.append(plan.positions)
            bindings.append(plan.eventIDs)
            bindings.append(plan.streams)
            bindings.append(plan.types)
            bindings.append(plan.occurred)
            bindings.append(plan.recorded)
            bindings.append(plan.actors)
            bindings.append(plan.dedupeKeys)
            bindings.append(plan.headers)
            bindings.append(plan.commitments)
            bindings.append(plan.previous)
            bindings.append(plan.hashes)
            bindings.append(plan.keyIDs)
            bindings.append(plan.sealed)
            bindings.append(plan.nodeLastPositions)
            bindings.append(plan.nodeLevels)
            bindings.append(plan.nodeHashes)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row {
            try row.decode(Row.self)
        }
    }

    /// Reads the head, and the Merkle frontier at it. With a `stale` head this process wrote or
    /// read before, the frontier is extended from it with the entry hashes appended since, read
    /// in the same statement as the head (one round trip); otherwise it is loaded from the stored
    /// tree.
    private func loadHead(extending stale: Head? = nil, on connection: PostgresConnection? = nil, lock: Bool = false) async throws -> Head {
        let after = stale?.position ?? Int64.max
        let query: PostgresQuery = """
            SELECT h.position, h.head_hash,
                   CASE WHEN h.position - \(after) BETWEEN 0 AND \(Self.maxExtension)
                        THEN ARRAY(SELECT e.entry_hash FROM ledger_entries e
                                   WHERE e.ledger_id = h.ledger_id AND e.position > \(after) AND e.position <= h.position
                                   ORDER BY e.position)
                   END
            FROM ledger_heads h WHERE h.ledger_id = \(ledger.id)
            """
        let rows: [PostgresRow]
        if let connection {
            if lock {
                // The service role may not SELECT … FOR UPDATE the head row (it has no UPDATE on
                // it): rk_lock_head() takes the lock for this transaction, and the query after it
                // (a new snapshot) reads the head as the last holder of the lock left it.
                _ = try await connection.query("SELECT rk_lock_head(\(ledger.id))", logger: logger).collect()
            }
            rows = try await connection.query(query, logger: logger).collect()
        } else {
            rows = try await client.query(query, logger: logger).collect()
        }
        guard let row = rows.first else { throw LedgerStoreError.ledgerNotFound(ledger.name) }
        let (position, hashBytes, newer) = try row.decode((Int64, ByteBuffer, [ByteBuffer]?).self)
        let hash = try LedgerDigest(bytes: hashBytes.readableBytesView)
        if let stale, let newer, Int64(newer.count) == position - stale.position {
            var tree = stale.tree
            for entryHash in newer {
                tree.append(MerkleHash.leaf(entryHash: try LedgerDigest(bytes: entryHash.readableBytesView)))
            }
            return Head(position: position, hash: hash, tree: tree)
        }
        let tree = try await StoredTree.frontier(size: position, ledger: ledger, client: client, logger: logger)
        return Head(position: position, hash: hash, tree: tree)
    }

    /// The most entries a reload reads to extend a cached frontier instead of loading it anew.
    static let maxExtension: Int64 = 65_536

    private func lookUpDuplicates(_ batch: [Submission], ids: inout [UUID: Int64], keys: inout [[UInt8]: Int64]) async throws {
        let eventIDs = batch.flatMap { $0.events.map(\.event.eventID) }
        let dedupeKeys = batch.flatMap { $0.events.compactMap(\.event.dedupeKey) }
        let rows = try await client.query(
            """
            SELECT event_id, dedupe_key, position FROM ledger_entries
            WHERE ledger_id = \(ledger.id) AND (event_id = ANY(\(eventIDs)::uuid[]) OR dedupe_key = ANY(\(dedupeKeys)::text[]))
            """,
            logger: logger
        )
        for try await (id, key, position) in rows.decode((UUID, String?, Int64).self) {
            ids[id] = position
            if let key { keys[Array(key.utf8)] = position }
        }
    }

    private func finish(_ batch: [Submission], receipts: [[AppendReceipt]]) {
        for (submission, receipts) in zip(batch, receipts) {
            submission.continuation.resume(returning: receipts)
        }
    }

    private func fail(_ batch: [Submission], with error: any Error) {
        for submission in batch {
            submission.continuation.resume(throwing: error)
        }
    }
}

/// Counters of the group-commit path.
public struct AppendStatistics: Sendable {
    /// Append transactions committed.
    public var transactions = 0
    /// Events those transactions appended.
    public var events = 0
    /// Events per transaction, on average.
    public var eventsPerTransaction: Double { transactions == 0 ? 0 : Double(events) / Double(transactions) }

    public init() {}
}

/// A ledger's name and internal id.
public struct LedgerRef: Sendable, Hashable {
    public var id: Int32
    public var name: String
}
