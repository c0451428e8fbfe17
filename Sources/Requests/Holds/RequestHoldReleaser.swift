import Foundation
public import LedgerStore
public import Logging

/// The background worker that releases the holds of closed requests once their grace period has
/// ended (``RequestHolds/releaseDue(grace:actor:now:)``), every ``defaultInterval``; what
/// `recordkeeper requests release-holds` does by hand.
public final class RequestHoldReleaser: Worker {
    public let settings: WorkerSettings
    public let loop = WorkerLoop()
    public static let roundFailure: Logger.Message = "releasing the holds of closed requests failed"
    /// An hour: grace periods are days.
    public static let defaultInterval: Duration = .seconds(3600)

    let holds: RequestHolds
    let grace: RequestHoldGrace

    public init(ledger: String, store: LedgerStore, grace: RequestHoldGrace, pollInterval: Duration = defaultInterval, logger: Logger) {
        self.settings = WorkerSettings(ledger: ledger, batchSize: 1, pollInterval: pollInterval, logger: logger)
        self.holds = RequestHolds(store: store, ledger: ledger)
        self.grace = grace
    }

    public func round() async throws -> Duration {
        let released = try await holds.releaseDue(grace: grace, actor: RequestHolds.workerActor).filter(\.released)
        for item in released {
            logger.notice("released a request hold after its grace period", metadata: ["request": "\(item.request)", "hold": "\(item.hold)"])
        }
        return pollInterval
    }
}
