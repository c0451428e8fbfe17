import Logging

extension ProjectionRunner {
    /// The lanes the service runs side by side, as projection names: each group of ``lanes``
    /// (the projections of it this runner has), then one lane for every other projection.
    var serviceLanes: [[String]] {
        let names = projections.map(\.name)
        var taken: Set<String> = []
        var result: [[String]] = []
        for group in lanes {
            let members = names.filter { group.contains($0) && !taken.contains($0) }
            guard !members.isEmpty else { continue }
            taken.formUnion(members)
            result.append(members)
        }
        let rest = names.filter { !taken.contains($0) }
        if !rest.isEmpty { result.append(rest) }
        return result
    }

    /// Where the projections with work stand; nil (logged) when that cannot be read. Bounded
    /// like a step (see ``step(_:ledger:reset:)``), and given up at once on cancellation.
    func pendingWorkLogging(projections names: [String]? = nil) async -> [ProjectionStatus]? {
        do {
            return try await withDeadline(stepTimeout) {
                if let names { return try await self.pendingWork(projections: names) }
                return try await self.pendingWork()
            }
        } catch {
            if Task.isCancelled { return nil }
            logger.warning("projection runner: cannot read projection state", metadata: ["error": "\(describeError(error))"])
            return nil
        }
    }

    /// ``advanceIdle(_:)``, bounded like a step; nothing moved (logged) when that fails: the
    /// steps then do it.
    func advanceIdleLogging(_ pending: [ProjectionStatus]) async -> Set<ProjectionLedger> {
        do {
            return try await withDeadline(stepTimeout) { try await self.advanceIdle(pending) }
        } catch {
            if Task.isCancelled { return [] }
            logger.warning("projection runner: cannot move idle projections", metadata: ["error": "\(describeError(error))"])
            return []
        }
    }

    /// One pass of the service over the projections named in `lane`, starting from `pending`
    /// (read at the wake-up): one batch per projection and ledger with work, in turn, round
    /// after round (each later round reads the lane's state again), until each has reached the
    /// head it read. A short step therefore waits for at most one batch of each other
    /// projection of its lane, never for a whole replay. Each round first moves the projections
    /// with nothing to apply to the head in one statement (``advanceIdle(_:)``). ``onApplied``
    /// is called after each batch that applied entries. A failure is logged and leaves that
    /// projection of that ledger to the next wake-up; the others go on.
    func catchUpFairly(lane: [String], pending first: [ProjectionStatus]) async {
        var pending = first
        var failed: Set<ProjectionLedger> = []
        while !Task.isCancelled {
            var behind = false
            let idle = await advanceIdleLogging(pending.filter { !failed.contains(ProjectionLedger($0)) })
            for status in pending where !failed.contains(ProjectionLedger(status)) && !idle.contains(ProjectionLedger(status)) {
                if Task.isCancelled { return }
                do {
                    let progress = try await step(
                        try projection(named: status.projection), ledger: try await store.ledger(named: status.ledger, create: false), reset: false)
                    if progress.applied > 0 { onApplied?(status.projection, status.ledger) }
                    if progress.lastPosition < progress.headPosition { behind = true }
                    logger.debug(
                        "projection batch applied",
                        metadata: [
                            "projection": "\(status.projection)", "ledger": "\(status.ledger)", "applied": "\(progress.applied)",
                            "position": "\(progress.lastPosition)", "head": "\(progress.headPosition)",
                        ])
                } catch {
                    if Task.isCancelled { return }  // shutting down: the transaction was rolled back
                    failed.insert(ProjectionLedger(status))
                    logger.error(
                        "projection failed; retrying on the next wake-up",
                        metadata: ["projection": "\(status.projection)", "ledger": "\(status.ledger)", "error": "\(describeError(error))"])
                }
            }
            guard behind, let next = await pendingWorkLogging(projections: lane) else { return }
            pending = next
        }
    }
}
