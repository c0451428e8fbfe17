import PostgresNIO

extension ProjectionRunner {
    /// Moves every projection of `pending` that has nothing to apply (no entry of its event
    /// types after its last position, up to the head) straight to the head: one statement per
    /// ledger instead of a transaction per projection. Under load most projections of a lane
    /// see none of their event types in a wake-up's new entries (an `access.viewed` concerns
    /// only `access_log`), and stepping each of them cost six round trips and a write.
    ///
    /// Only projections whose stored version is this build's are moved (the others must be
    /// reset and replayed by ``step(_:ledger:reset:)``). A projection being stepped elsewhere
    /// (its state row locked) is left out, not waited for: the lane then steps it, and that step
    /// waits for the lock and continues from what the other step stored. A row is moved only
    /// after the statement has locked it and rechecked it as last committed, so no projection is
    /// moved past an entry it has not applied.
    ///
    /// `pending` may be older than the state: a lane handed a wake-up's list while it was busy
    /// may find a projection already at the head, which the statement counts as moved rather
    /// than leave it to a batch of nothing (when an append lands between the two, that batch
    /// would apply an empty selection).
    ///
    /// - Returns: the projections moved (or found at the head), each with its ledger.
    func advanceIdle(_ pending: [ProjectionStatus]) async throws -> Set<ProjectionLedger> {
        var moved: Set<ProjectionLedger> = []
        let current = pending.filter { $0.storedVersion == $0.version && $0.lastPosition < $0.headPosition }
        for (ledgerName, statuses) in Dictionary(grouping: current, by: \.ledger) {
            let ledger = try await store.ledger(named: ledgerName, create: false)
            let selected = try statuses.map { try projection(named: $0.projection) }
            // Each projection's event types are types[first...last] (1-based) of one flat array.
            var types: [String] = []
            var firsts: [Int32] = []
            var lasts: [Int32] = []
            for projection in selected {
                firsts.append(Int32(types.count + 1))
                types += projection.eventTypes.sorted()
                lasts.append(Int32(types.count))
            }
            let statement = AdvanceIdleProjectionsStatement(
                ledgerID: ledger.id, names: selected.map(\.name), versions: selected.map { Int32($0.version) }, firsts: firsts, lasts: lasts,
                types: types)
            for try await name in try await store.client.execute(statement, logger: logger) {
                moved.insert(ProjectionLedger(projection: name, ledger: ledgerName))
            }
        }
        return moved
    }
}

/// One projection of one ledger, as the service's lanes keep track of them.
struct ProjectionLedger: Hashable {
    let projection: String
    let ledger: String

    init(projection: String, ledger: String) {
        self.projection = projection
        self.ledger = ledger
    }

    init(_ status: ProjectionStatus) {
        self.init(projection: status.projection, ledger: status.ledger)
    }
}
