import Foundation
import Ledger
public import Logging
import NIOConcurrencyHelpers
public import PostgresNIO

/// Keeps projections up to date with the ledger, exactly once, safely from several processes.
///
/// Each batch runs in one transaction that locks the projection's `projection_state` row
/// (`SELECT … FOR UPDATE`), reads the entries after its last position (decrypting the payloads
/// it asks for), applies them and stores the new last position. Another process running the
/// same projection waits for the lock and then continues after the position this one stored.
/// A projection whose version is newer than the stored one is reset and replayed from position 1.
///
/// As a `Service` (see `ProjectionRunner+Service.swift`) it catches up at start, then whenever
/// PostgreSQL notifies `rk_ledger_appended`, with a slow poll as a fallback; its ``lanes`` run
/// side by side, and within a lane the projections take turns, one batch each
/// (`ProjectionRunner+Lanes.swift`).
public final class ProjectionRunner: Sendable {
    public let store: LedgerStore
    public let projections: [any Projection]
    /// The ledgers to project (nil: every ledger).
    public let ledgers: [String]?
    /// The most entries one transaction applies.
    public let batchSize: Int
    /// How often the service catches up without a notification (a fallback for lost ones).
    public let pollInterval: Duration
    /// The longest one batch may take before it is given up (and retried on the next wake-up).
    public let stepTimeout: Duration = .seconds(120)
    /// The least time between two catch-up passes of the service, so that a busy ledger is
    /// applied in batches rather than one transaction per append (the projections' lag).
    public let coalesceInterval: Duration
    /// Groups of projection names that the service runs in lanes of their own, beside one lane
    /// for all other projections: a projection that a worker waits on (the outbox, media and
    /// relay queues) then never waits for a long replay of another projection.
    public let lanes: [[String]]
    let logger: Logger
    let listening = NIOLockedValueBox(false)
    /// Called by the service after each batch that applied entries to a projection (projection,
    /// ledger): e.g. to wake the media fetcher once the `media` projection has seen new media.
    let onApplied: (@Sendable (_ projection: String, _ ledger: String) -> Void)?

    /// - Parameters:
    ///   - projections: the projections to run (names must differ).
    ///   - ledgers: the ledgers to project; nil for every ledger.
    ///   - batchSize: entries per transaction.
    ///   - pollInterval: the fallback catch-up interval of the service.
    ///   - coalesceInterval: the least time between two catch-up passes of the service.
    ///   - lanes: groups of projection names the service runs in lanes of their own (names this
    ///     runner does not have are ignored); the other projections share one lane.
    ///   - onApplied: called by the service after each batch that applied entries.
    public init(
        store: LedgerStore, projections: [any Projection], ledgers: [String]? = nil, batchSize: Int = 500,
        pollInterval: Duration = .seconds(30), coalesceInterval: Duration = .milliseconds(50), lanes: [[String]] = [], logger: Logger,
        onApplied: (@Sendable (_ projection: String, _ ledger: String) -> Void)? = nil
    ) {
        self.onApplied = onApplied
        self.lanes = lanes
        self.store = store
        self.projections = projections
        self.ledgers = ledgers
        self.batchSize = max(1, batchSize)
        self.pollInterval = pollInterval
        self.coalesceInterval = coalesceInterval
        self.logger = logger
    }

    /// Whether the service is listening for `rk_ledger_appended` notifications right now.
    public var isListening: Bool { listening.withLockedValue { $0 } }

    /// The projection of this name.
    /// - Throws: ``ProjectionError/unknownProjection(_:known:)``.
    public func projection(named name: String) throws -> any Projection {
        try Self.projection(named: name, in: projections)
    }

    /// The projection of this name among `projections`.
    /// - Throws: ``ProjectionError/unknownProjection(_:known:)``.
    public static func projection(named name: String, in projections: [any Projection]) throws -> any Projection {
        guard let projection = projections.first(where: { $0.name == name }) else {
            throw ProjectionError.unknownProjection(name, known: projections.map(\.name))
        }
        return projection
    }

    // MARK: Catching up

    /// Applies batches until the projection has seen the ledger's head (as it was when each
    /// batch was read). `progress` is called after each batch.
    public func catchUp(
        _ projection: any Projection, ledger name: String, progress: @Sendable (ProjectionProgress) -> Void = { _ in }
    ) async throws -> ProjectionProgress {
        try await run(projection, ledger: name, reset: false, progress: progress)
    }

    /// Resets the projection's rows of one ledger and replays it from position 1, in batches.
    /// Readers see the rows fill up again while it runs.
    public func rebuild(
        _ projection: any Projection, ledger name: String, progress: @Sendable (ProjectionProgress) -> Void = { _ in }
    ) async throws -> ProjectionProgress {
        try await run(projection, ledger: name, reset: true, progress: progress)
    }

    /// Catches every projection up on every selected ledger; skips those already at the head.
    @discardableResult
    public func catchUpAll() async throws -> [ProjectionProgress] {
        var done: [ProjectionProgress] = []
        for status in try await pendingWork() {
            done.append(try await catchUp(try projection(named: status.projection), ledger: status.ledger))
        }
        return done
    }

    private func run(
        _ projection: any Projection, ledger name: String, reset: Bool, progress: @Sendable (ProjectionProgress) -> Void
    ) async throws -> ProjectionProgress {
        let ledger = try await store.ledger(named: name, create: false)
        var total = try await step(projection, ledger: ledger, reset: reset)
        progress(total)
        while total.lastPosition < total.headPosition {
            let next = try await step(projection, ledger: ledger, reset: false)
            total.applied += next.applied
            total.lastPosition = next.lastPosition
            total.headPosition = next.headPosition
            progress(total)
        }
        return total
    }

    /// One batch in one transaction: lock the state row, reset if asked or outdated, read the
    /// entries after the last position, apply them, store the new last position.
    func step(_ projection: any Projection, ledger: LedgerRef, reset forced: Bool) async throws -> ProjectionProgress {
        let (limit, logger, store) = (batchSize, logger, store)
        let projection = projection
        // A statement that the server's shutdown interrupts can leave PostgresNIO waiting forever:
        // bound the step, and give it up at once when the runner is cancelled (graceful shutdown).
        return try await withDeadline(stepTimeout) {
            try await store.withTransaction { connection in
                try await Self.step(projection, ledger: ledger, reset: forced, limit: limit, store: store, on: connection, logger: logger)
            }
        }
    }

    /// Brings `projection` of `ledger` up to the ledger's head on `connection`, inside the
    /// caller's transaction: the runner's batches, without asking the pool for another
    /// connection (for work that must see a projection current under a lock it holds, such as
    /// the legal-holds check of a destruction).
    /// - Throws: ``ProjectionError/newerVersionStored(projection:ledger:stored:known:)`` when a
    ///   newer release of the projection ran.
    @discardableResult
    public static func catchUp(
        _ projection: any Projection, ledger: LedgerRef, store: LedgerStore, on connection: PostgresConnection, batchSize: Int = 500
    ) async throws -> ProjectionProgress {
        var total = try await step(projection, ledger: ledger, reset: false, limit: batchSize, store: store, on: connection, logger: store.logger)
        while total.lastPosition < total.headPosition {
            let next = try await step(projection, ledger: ledger, reset: false, limit: batchSize, store: store, on: connection, logger: store.logger)
            total.applied += next.applied
            total.lastPosition = next.lastPosition
        }
        return total
    }

    /// One batch on `connection`: lock the state row, reset if asked or outdated, read the
    /// entries after the last position, apply them, store the new last position.
    private static func step(
        _ projection: any Projection, ledger: LedgerRef, reset forced: Bool, limit: Int, store: LedgerStore, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> ProjectionProgress {
        var (version, last, head) = try await lockedState(of: projection, ledger: ledger, on: connection, logger: logger)
        if version > projection.version {
            throw ProjectionError.newerVersionStored(projection: projection.name, ledger: ledger.name, stored: version, known: projection.version)
        }
        if forced || version < projection.version {
            logger.notice(
                "resetting projection to replay it from position 1",
                metadata: [
                    "projection": "\(projection.name)", "ledger": "\(ledger.name)", "stored_version": "\(version)",
                    "version": "\(projection.version)",
                ])
            try await projection.reset(ledger: ledger, on: connection, logger: logger)
            version = projection.version
            last = 0
        }
        var applied = 0
        if last < head {
            let records = try await store.selectedRecords(
                ledger: ledger, after: last, through: head, eventTypes: projection.eventTypes, payloadTypes: projection.payloadTypes,
                limit: limit, on: connection)
            try await projection.apply(records, ledger: ledger, on: connection, logger: logger)
            applied = records.count
            last = records.count == limit ? records[records.count - 1].entry.fields.position : head
        }
        // Drained as a row sequence: PostgresNIO's command-tag overload reads the tag before the
        // statement completes (it traps in `PSQLRowStream.commandTag`).
        let stored = StoreProjectionStateStatement(version: version, lastPosition: last, projection: projection.name, ledgerID: ledger.id)
        for try await _ in try await connection.execute(stored, logger: logger) {}
        return ProjectionProgress(projection: projection.name, ledger: ledger.name, applied: applied, lastPosition: last, headPosition: head)
    }

    /// The projection's stored version and last position, and the ledger's head, with the state
    /// row locked until the transaction ends. The row is created on the projection's first run
    /// (an `INSERT … ON CONFLICT` on every batch cost more than the batch's other statements).
    private static func lockedState(
        of projection: any Projection, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger
    ) async throws -> (version: Int, last: Int64, head: Int64) {
        for attempt in 1...2 {
            let statement = LockedProjectionStateStatement(projection: projection.name, ledgerID: ledger.id)
            for try await state in try await connection.execute(statement, logger: logger) { return state }
            guard attempt == 1 else { break }
            try await connection.perform(
                """
                INSERT INTO projection_state (projection, ledger_id, version) VALUES (\(projection.name), \(ledger.id), \(projection.version))
                ON CONFLICT (projection, ledger_id) DO NOTHING
                """, logger: logger
            )
        }
        throw LedgerStoreError.ledgerNotFound(ledger.name)
    }
}
