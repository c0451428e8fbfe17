public import Foundation
import Ledger
public import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperCore

/// A rule set as recorded: the rules, their digest, and who loaded them when.
public struct LoadedFilingRules: Sendable, Hashable {
    public var rules: FilingRules
    /// The `retention.filing_rules.set` entry.
    public var position: Int64
    /// The SHA-256 of the rules' canonical JSON, in hex.
    public var digest: String
    public var actor: String
    public var loadedAt: Date

    public init(rules: FilingRules, position: Int64, digest: String, actor: String, loadedAt: Date) {
        self.rules = rules
        self.position = position
        self.digest = digest
        self.actor = actor
        self.loadedAt = loadedAt
    }
}

/// Reads and loads a ledger's filing rules (``FilingRulesProjection``), which ``load(_:actor:now:)``
/// catches up itself before comparing and after recording.
public struct RetentionFilingRules: Sendable {
    public let store: LedgerStore
    public let ledger: String

    public init(store: LedgerStore, ledger: String) {
        self.store = store
        self.ledger = ledger
    }

    /// Applies every `retention.filing_rules.set` not yet projected. Does nothing when the ledger
    /// does not exist yet.
    public func catchUp() async throws {
        guard try await store.existingLedger(named: ledger) != nil else { return }
        let projection = FilingRulesProjection()
        _ = try await ProjectionRunner(store: store, projections: [projection], logger: store.logger).catchUp(projection, ledger: ledger)
    }

    /// The rules in force as projected so far; nil when none were ever loaded.
    public func current() async throws -> LoadedFilingRules? {
        guard let ref = try await store.existingLedger(named: ledger) else { return nil }
        let rows = try await store.client.query(
            """
            SELECT position, digest, actor, set_at_us, rules::text FROM retention_filing_rules
            WHERE ledger_id = \(ref.id) ORDER BY position DESC LIMIT 1
            """, logger: store.logger)
        for try await (position, digest, actor, setAt, text) in rows.decode((Int64, String, String, Int64, String).self) {
            let rules = try FilingRules(json: try JSONValue.parse(Array(text.utf8)))
            return LoadedFilingRules(
                rules: rules, position: position, digest: digest, actor: actor, loadedAt: LedgerTimestamp(microseconds: setAt).date)
        }
        return nil
    }

    /// Loads `rules` as the rules in force: every rule's series must be a series of the catalog
    /// in force. The same rules (same digest) append nothing.
    /// - Returns: the rules in force afterwards, and whether anything was recorded.
    /// - Throws: ``FilingRulesLoadError`` naming every rule whose series is unknown or superseded,
    ///   or when no catalog is loaded (nothing is appended).
    public func load(_ rules: FilingRules, actor: String, now: Date = Date()) async throws -> (loaded: LoadedFilingRules, recorded: Bool) {
        let catalogs = RetentionCatalogs(store: store, ledger: ledger)
        try await catalogs.catchUp()
        guard let catalog = try await catalogs.current()?.catalog else { throw FilingRulesLoadError([.noCatalog]) }
        let conflicts = rules.rules.compactMap { catalog.filingProblem(rule: $0.id, series: $0.series) }
        guard conflicts.isEmpty else { throw FilingRulesLoadError(conflicts) }
        try await catchUp()
        let inForce = try await current()
        let digest = try rules.digest().hex
        if let inForce, inForce.digest == digest { return (inForce, false) }
        let event = try FilingRulesEvents.set(rules, after: inForce?.position ?? 0, actor: actor, occurredAt: LedgerTimestamp(now))
        let receipt = try await store.append(event, to: ledger)
        if receipt.alreadyRecorded { throw FilingRulesLoadError([.concurrentLoad(position: receipt.position)]) }
        try await catchUp()
        let loaded =
            try await current()
            ?? LoadedFilingRules(rules: rules, position: receipt.position, digest: digest, actor: actor, loadedAt: now)
        return (loaded, true)
    }
}
