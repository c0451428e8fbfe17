public import Foundation
import Ledger
public import LedgerStore
import Logging
import PostgresNIO
public import Retention

/// Destroys the records of an approved disposition list (docs/records-officer.md, "Destruction").
///
/// The records go in batches. Each batch is one PostgreSQL transaction that
/// 1. takes the holds lock (``LegalHolds/lockKey``) shared, so no hold can be placed until it
///    commits (batches run ``concurrency`` at a time),
///    and leaves out every record an active hold now covers (checked here, at destruction time,
///    not only when the list was made) or that was re-filed into another series since;
/// 2. appends the `record.destroyed` authority naming the batch's data keys
///    (``RecordDestroyedEvent``);
/// 3. destroys those keys and every payload they seal through the database door
///    (``DataKeyShredding``) and purges the copies derived from them (``DerivedCopies``).
///
/// A run that stops at any point is finished by running again: an authority whose keys are not
/// all destroyed is completed first (``resume(actor:now:progress:)``, re-checking holds: records a
/// hold now covers are kept and `retention.destruction.halted` says so), and records already
/// destroyed are not on the list's remaining records. Nothing is destroyed without its
/// authority, and nothing twice.
public struct RetentionDestroyer: Sendable {
    public let store: LedgerStore
    public let ledger: String
    /// Records per `record.destroyed` (each names one data key per record; its header must stay
    /// under the ledger's 8 KiB limit).
    public let batchSize: Int
    /// Batches in progress at once, each in its own transaction on its own connection.
    /// Destruction takes the holds lock shared and placing a hold takes it exclusively, so
    /// batches run side by side but never beside a hold being placed or released.
    public let concurrency: Int

    /// Records per batch unless told otherwise.
    public static let defaultBatchSize = 500
    /// The most records a batch may hold.
    public static let maxBatchSize = 700
    /// Batches at once unless told otherwise.
    public static let defaultConcurrency = 3

    public init(store: LedgerStore, ledger: String, batchSize: Int = defaultBatchSize, concurrency: Int = defaultConcurrency) {
        self.store = store
        self.ledger = ledger
        self.batchSize = min(max(1, batchSize), Self.maxBatchSize)
        self.concurrency = max(1, concurrency)
    }

    /// Destroys the remaining records of the approved destruction list `list`.
    /// - Parameter stopAfterAppend: a test hook: called after each authority is appended and
    ///   before its transaction commits (a crash test kills the process there).
    /// - Throws: ``DispositionError`` when the list does not exist, is not approved, is a
    ///   transfer list, or has nothing left to destroy (nothing is written, except the completion
    ///   of an earlier interrupted run).
    public func destroy(
        list: String, actor: String, now: Date = Date(), progress: @Sendable (DestructionProgress) -> Void = { _ in },
        stopAfterAppend: @escaping @Sendable () -> Void = {}
    ) async throws -> DestructionOutcome {
        // Bulk work on a ledger that grew since PostgreSQL last analyzed it is planned badly.
        if let ref = try await store.existingLedger(named: ledger) { try await store.refreshPlannerStatistics(ledger: ref) }
        // An interrupted run is finished first: its records are marked destroyed (authorised) and
        // are no longer among the list's remaining records.
        var outcome = try await resume(actor: actor, now: now, progress: progress)
        outcome.list = list
        let authorisation: DestructionAuthorisation
        do {
            authorisation = try await DispositionLists(store: store, ledger: ledger).authorisation(list: list)
        } catch DispositionError.alreadyDestroyed where outcome.resumed > 0 {
            return outcome
        }
        // The records' current filing decides whether each is still in the list's series.
        let records = RetentionRecordsProjection()
        _ = try await ProjectionRunner(store: store, projections: [records], logger: store.logger).catchUp(records, ledger: ledger)
        let ref = try await store.ledger(named: ledger, create: false)
        let total = authorisation.records.count
        var batches = stride(from: 0, to: total, by: batchSize).lazy.map { Array(authorisation.records[$0..<min($0 + batchSize, total)]) }
            .makeIterator()
        let run: @Sendable ([RetentionRecordID]) async throws -> (considered: Int, result: BatchResult) = { batch in
            (batch.count, try await destroyBatch(batch, authorisation: authorisation, ledger: ref, actor: actor, now: now, stopAfterAppend: stopAfterAppend))
        }
        try await withThrowingTaskGroup(of: (considered: Int, result: BatchResult).self) { group in
            for _ in 0..<concurrency {
                guard let batch = batches.next() else { break }
                group.addTask { try await run(batch) }
            }
            var done = 0
            while let finished = try await group.next() {
                outcome.add(finished.result)
                done += finished.considered
                progress(DestructionProgress(recordsConsidered: done, recordsTotal: total, recordsDestroyed: outcome.recordsDestroyed))
                if let batch = batches.next() { group.addTask { try await run(batch) } }
            }
        }
        outcome.destroyed.sort()
        outcome.authorities.sort()
        return outcome
    }

    /// Completes every `record.destroyed` authority of the ledger whose data keys are not all
    /// destroyed and that no halt answered: the keys of records no hold covers are destroyed under
    /// it; the others are kept, with `retention.destruction.halted`.
    public func resume(
        actor: String, now: Date = Date(), progress: @Sendable (DestructionProgress) -> Void = { _ in }
    ) async throws
        -> DestructionOutcome
    {
        var outcome = DestructionOutcome()
        guard let ref = try await store.existingLedger(named: ledger) else { return outcome }
        for authority in try await unfinishedAuthorities(ledger: ref) {
            let result = try await finish(authority, ledger: ref, actor: actor, now: now)
            outcome.add(result)
            outcome.resumed += 1
        }
        return outcome
    }

    // MARK: - One batch

    private func destroyBatch(
        _ records: [RetentionRecordID], authorisation: DestructionAuthorisation, ledger ref: LedgerRef, actor: String, now: Date,
        stopAfterAppend: @Sendable () -> Void
    ) async throws -> BatchResult {
        try await store.withTransaction { connection in
            let held = try await heldNow(records, ledger: ref, on: connection)
            let candidates = records.filter { held[$0] == nil }
            let live = try await RecordKeys.live(candidates, series: authorisation.series, ledger: ref, on: connection, logger: store.logger)
            var result = BatchResult(held: held, refiled: Set(candidates).subtracting(live.map(\.record)).subtracting(live.destroyedRecords))
            guard !live.keys.isEmpty else { return result }
            let authority = RecordDestroyedEvent(
                dataKeyIDs: live.keys.map(\.key), records: live.keys.map(\.record), list: authorisation.list, series: authorisation.series,
                dan: authorisation.dan, revision: authorisation.revision, approvals: authorisation.approvals.map(\.position),
                approvers: authorisation.approvals.map(\.actor))
            let receipt = try await store.append(try authority.event(actor: actor, occurredAt: LedgerTimestamp(now)), to: ledger)
            stopAfterAppend()
            let shredded = try await DataKeyShredding.destroy(
                keys: authority.dataKeyIDs, authorisedBy: receipt.position, ledger: ref, on: connection, logger: store.logger)
            try await DerivedCopies.purge(keys: authority.dataKeyIDs, ledger: ref, on: connection, logger: store.logger)
            store.keyRing.forget(ids: authority.dataKeyIDs)
            result.authorities.append(receipt.position)
            result.destroyed = live.keys.map(\.record)
            result.payloadsRemoved = shredded.payloadsRemoved
            result.keysDestroyed = shredded.keysDestroyed
            return result
        }
    }

    private func finish(_ authority: DestructionAuthority, ledger ref: LedgerRef, actor: String, now: Date) async throws -> BatchResult {
        try await store.withTransaction { connection in
            let pending = try await RecordKeys.pending(authority, ledger: ref, on: connection, logger: store.logger)
            let held = try await heldNow(pending.map(\.record), ledger: ref, on: connection)
            let go = pending.filter { held[$0.record] == nil }
            let kept = pending.filter { held[$0.record] != nil }
            var result = BatchResult(held: held)
            if !kept.isEmpty {
                let halt = DestructionHalt(
                    authorisation: authority.position, dataKeyIDs: kept.map(\.key), holds: Array(Set(held.values.joined())).sorted())
                _ = try await store.append(try halt.event(actor: actor, occurredAt: LedgerTimestamp(now)), to: ledger)
            }
            guard !go.isEmpty else { return result }
            let shredded = try await DataKeyShredding.destroy(
                keys: go.map(\.key), authorisedBy: authority.position, ledger: ref, on: connection, logger: store.logger)
            try await DerivedCopies.purge(keys: go.map(\.key), ledger: ref, on: connection, logger: store.logger)
            store.keyRing.forget(ids: go.map(\.key))
            result.authorities.append(authority.position)
            result.destroyed = go.map(\.record)
            result.payloadsRemoved = shredded.payloadsRemoved
            result.keysDestroyed = shredded.keysDestroyed
            return result
        }
    }

    /// Takes the holds lock, shared, for the rest of the transaction (no hold is placed or
    /// released until it commits; other batches go on) and returns the records among `records` an active hold covers now, the holds
    /// projection first brought up to the ledger's last hold event if it is behind.
    private func heldNow(
        _ records: [RetentionRecordID], ledger ref: LedgerRef, on connection: PostgresConnection
    ) async throws
        -> [RetentionRecordID: [String]]
    {
        try await connection.perform("SELECT pg_advisory_xact_lock_shared(\(LegalHolds.lockKey))", logger: store.logger)
        do {
            return try await LegalHolds.heldRecords(records, ledger: ref, on: connection, logger: store.logger)
        } catch LegalHoldError.holdsNotProjected {
            try await LegalHolds.catchUp(store: store, ledger: ref, on: connection)
            return try await LegalHolds.heldRecords(records, ledger: ref, on: connection, logger: store.logger)
        }
    }

    /// The `record.destroyed` entries none of whose keys is destroyed yet and that no
    /// `retention.destruction.halted` answered, oldest first. A batch destroys every key its
    /// authority names in the transaction that commits it (``finish(_:ledger:actor:now:)``: every
    /// key but those a halt names), so an authority with any key destroyed is finished; the keys
    /// each authority destroyed are found by index (migration 0026), and only the authorities left
    /// are checked for a halt.
    private func unfinishedAuthorities(ledger ref: LedgerRef) async throws -> [DestructionAuthority] {
        let rows = try await store.client.query(
            """
            WITH open AS MATERIALIZED (
                SELECT e.ledger_id, e.stream, e.position, e.occurred_at_us, e.actor, e.header FROM ledger_entries e
                WHERE e.ledger_id = \(ref.id) AND e.stream = \(RecordDestroyedEvent.stream) AND e.event_type = 'record.destroyed'
                  AND NOT EXISTS (
                    SELECT 1 FROM data_keys k WHERE k.ledger_id = e.ledger_id AND k.destroyed_by_position = e.position))
            SELECT o.position, o.occurred_at_us, o.actor, o.header FROM open o
            WHERE NOT EXISTS (
                SELECT 1 FROM ledger_entries h
                WHERE h.ledger_id = o.ledger_id AND h.stream = o.stream AND h.event_type = 'retention.destruction.halted'
                  AND h.position > o.position AND (h.header::jsonb ->> 'authorisation')::bigint = o.position)
            ORDER BY o.position
            """, logger: store.logger)
        var authorities: [DestructionAuthority] = []
        for try await (position, occurred, actor, header) in rows.decode((Int64, Int64, String, String).self) {
            if let authority = DestructionAuthority(
                position: position, occurredAt: LedgerTimestamp(microseconds: occurred).date, actor: actor, header: header)
            {
                authorities.append(authority)
            }
        }
        return authorities
    }
}

/// How far a destruction run is, for a progress display.
public struct DestructionProgress: Sendable, Hashable {
    public var recordsConsidered: Int
    public var recordsTotal: Int
    public var recordsDestroyed: Int
}

/// What a destruction run did.
public struct DestructionOutcome: Sendable {
    /// The list destroyed (nil for a resume alone).
    public var list: String?
    /// The `record.destroyed` entries under which keys were destroyed in this run.
    public var authorities: [Int64] = []
    public var destroyed: [RetentionRecordID] = []
    public var payloadsRemoved: Int64 = 0
    public var keysDestroyed: Int64 = 0
    /// Records kept because an active hold covers them, with the hold ids.
    public var held: [RetentionRecordID: [String]] = [:]
    /// Records kept because they were re-filed into another series after the list was approved.
    public var refiled: Set<RetentionRecordID> = []
    /// Authorities of an earlier, interrupted run that this run completed or halted.
    public var resumed = 0

    public var recordsDestroyed: Int { destroyed.count }

    mutating func add(_ batch: BatchResult) {
        authorities += batch.authorities
        destroyed += batch.destroyed
        payloadsRemoved += batch.payloadsRemoved
        keysDestroyed += batch.keysDestroyed
        held.merge(batch.held) { a, _ in a }
        refiled.formUnion(batch.refiled)
    }
}

/// What one batch did.
struct BatchResult {
    var held: [RetentionRecordID: [String]] = [:]
    var refiled: Set<RetentionRecordID> = []
    var authorities: [Int64] = []
    var destroyed: [RetentionRecordID] = []
    var payloadsRemoved: Int64 = 0
    var keysDestroyed: Int64 = 0
}
