public import Foundation
import Ledger
public import LedgerStore
import Logging
import PostgresNIO
import RecordkeeperCore

/// A catalog version as recorded: the catalog, its digest, and who loaded it when.
public struct LoadedCatalog: Sendable, Hashable {
    public var catalog: RetentionCatalog
    /// The `retention.catalog.loaded` entry.
    public var position: Int64
    /// The SHA-256 of the catalog's canonical JSON, in hex.
    public var digest: String
    /// Who loaded it (`cli:<user>`).
    public var actor: String
    public var loadedAt: Date

    public init(catalog: RetentionCatalog, position: Int64, digest: String, actor: String, loadedAt: Date) {
        self.catalog = catalog
        self.position = position
        self.digest = digest
        self.actor = actor
        self.loadedAt = loadedAt
    }
}

/// What ``RetentionCatalogs/load(_:actor:now:)`` did.
public struct LoadOutcome: Sendable, Hashable {
    /// The catalog in force afterwards (the one loaded, or the identical one already in force).
    public var loaded: LoadedCatalog
    /// False when the same catalog (same digest) was already in force: nothing was appended.
    public var recorded: Bool
    /// What changed compared with the catalog in force before (nothing when not recorded).
    public var change: CatalogChange

    public init(loaded: LoadedCatalog, recorded: Bool, change: CatalogChange) {
        self.loaded = loaded
        self.recorded = recorded
        self.change = change
    }
}

/// Reads and loads a ledger's schedule catalog. The catalog in force is read from the
/// `retention_catalog` projection (``RetentionCatalogProjection``), which ``load(_:actor:now:)``
/// catches up itself before comparing and after recording, so it never compares with a stale
/// version and the next read sees the new one.
public struct RetentionCatalogs: Sendable {
    public let store: LedgerStore
    public let ledger: String

    public init(store: LedgerStore, ledger: String) {
        self.store = store
        self.ledger = ledger
    }

    /// Applies every `retention.catalog.loaded` of the ledger not yet projected (reading
    /// payloads needs the master key). Does nothing when the ledger does not exist yet.
    public func catchUp() async throws {
        guard try await store.existingLedger(named: ledger) != nil else { return }
        let projection = RetentionCatalogProjection()
        _ = try await ProjectionRunner(store: store, projections: [projection], logger: store.logger).catchUp(projection, ledger: ledger)
    }

    /// The catalog in force as projected so far (call ``catchUp()`` first to include the latest
    /// entries); nil when none was ever loaded.
    public func current() async throws -> LoadedCatalog? {
        guard let ref = try await store.existingLedger(named: ledger) else { return nil }
        let rows = try await store.client.query(
            """
            SELECT position, digest, actor, loaded_at_us, catalog::text FROM retention_catalogs
            WHERE ledger_id = \(ref.id) ORDER BY position DESC LIMIT 1
            """, logger: store.logger)
        for try await (position, digest, actor, loadedAt, text) in rows.decode((Int64, String, String, Int64, String).self) {
            let catalog = try RetentionCatalog(json: try JSONValue.parse(Array(text.utf8)))
            return LoadedCatalog(
                catalog: catalog, position: position, digest: digest, actor: actor, loadedAt: LedgerTimestamp(microseconds: loadedAt).date)
        }
        return nil
    }

    /// Loads `catalog` as the catalog in force, compared with the one in force now: the same
    /// catalog (same digest) appends nothing; otherwise `retention.catalog.loaded` is appended,
    /// naming the series that newer revisions supersede.
    /// - Throws: ``RetentionCatalogLoadError`` when a series in force would be changed, dropped
    ///   or replaced by an older revision, or the version is reused (nothing is appended).
    public func load(_ catalog: RetentionCatalog, actor: String, now: Date = Date()) async throws -> LoadOutcome {
        try await catchUp()
        let inForce = try await current()
        let digest = try catalog.digest().hex
        if let inForce, inForce.digest == digest {
            return LoadOutcome(loaded: inForce, recorded: false, change: try CatalogChange(from: inForce.catalog, to: catalog))
        }
        let change = try CatalogChange(from: inForce?.catalog, to: catalog)
        let after = inForce?.position ?? 0
        let event = try RetentionCatalogEvents.loaded(
            catalog, supersedes: change.superseded.map(\.series), after: after, actor: actor, occurredAt: LedgerTimestamp(now))
        let receipt = try await store.append(event, to: ledger)
        if receipt.alreadyRecorded {
            // Another load compared with the same version and was recorded first.
            throw RetentionCatalogLoadError([.concurrentLoad(position: receipt.position)])
        }
        try await catchUp()
        guard let loaded = try await current(), loaded.position == receipt.position else {
            return LoadOutcome(
                loaded: LoadedCatalog(catalog: catalog, position: receipt.position, digest: digest, actor: actor, loadedAt: now), recorded: true,
                change: change)
        }
        return LoadOutcome(loaded: loaded, recorded: true, change: change)
    }
}
