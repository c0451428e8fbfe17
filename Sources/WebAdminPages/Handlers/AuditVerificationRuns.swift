import Foundation
import LedgerStore

/// The verifications of a ledger this process ran for the audit pages: at most one at a time
/// per database and ledger, its progress while it runs, and the last one's outcome. Kept in
/// memory: a restart forgets them (a verification is not an event of the ledger).
actor AuditVerificationRuns {
    /// One verification: who started it, how far it got, how it ended.
    struct Run: Sendable {
        var startedBy: String
        var startedAt: Date
        var checked: Int64 = 0
        var head: Int64 = 0
        var finishedAt: Date?
        var report: LedgerVerificationReport?
        /// Why it could not run at all.
        var error: String?

        var running: Bool { finishedAt == nil }
    }

    static let shared = AuditVerificationRuns()

    private var runs: [String: Run] = [:]

    /// The key of a ledger of the database `store` talks to.
    static func key(_ store: LedgerStore, ledger: String) -> String {
        "\(ObjectIdentifier(store.client).hashValue)/\(ledger)"
    }

    /// The current or last verification of `ledger`.
    func run(_ store: LedgerStore, ledger: String) -> Run? { runs[Self.key(store, ledger: ledger)] }

    /// Starts verifying `ledger` in a task unless a verification of it runs already.
    /// - Returns: whether one was started.
    func start(_ store: LedgerStore, ledger: String, by user: String) -> Bool {
        let key = Self.key(store, ledger: ledger)
        if let current = runs[key], current.running { return false }
        runs[key] = Run(startedBy: user, startedAt: Date())
        Task.detached {
            do {
                let report = try await store.verify(ledger: ledger) { checked, head in
                    Task { await self.progress(key, checked: checked, head: head) }
                }
                await self.finish(key, report: report, error: nil)
            } catch {
                await self.finish(key, report: nil, error: String(describing: error))
            }
        }
        return true
    }

    private func progress(_ key: String, checked: Int64, head: Int64) {
        guard var run = runs[key], run.running else { return }
        run.checked = max(run.checked, checked)
        run.head = head
        runs[key] = run
    }

    private func finish(_ key: String, report: LedgerVerificationReport?, error: String?) {
        guard var run = runs[key] else { return }
        run.finishedAt = Date()
        run.report = report
        run.error = error
        if let report {
            run.checked = report.entries
            run.head = report.headPosition
        }
        runs[key] = run
    }
}
