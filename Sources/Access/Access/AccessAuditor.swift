public import LedgerStore

/// Records staff accesses in the ledger before the content is handed over.
///
/// Each call appends one event through the store's group commit, which batches concurrent
/// callers' events into one transaction: many readers cost one commit, not one each.
public struct AccessAuditor: Sendable {
    public let store: LedgerStore
    public let ledger: String

    public init(store: LedgerStore, ledger: String) {
        self.store = store
        self.ledger = ledger
    }

    /// Appends `access.viewed` and returns its position once committed.
    /// - Throws: when it could not be recorded: the caller must not show the content.
    @discardableResult
    public func viewed(_ access: AccessRecord, by principal: StaffPrincipal) async throws -> Int64 {
        try await store.append(AccessEvents.event(type: AccessEvents.viewed, access, by: principal), to: ledger).position
    }

    /// Appends `access.denied`.
    @discardableResult
    public func denied(_ access: AccessRecord, by principal: StaffPrincipal) async throws -> Int64 {
        try await store.append(AccessEvents.event(type: AccessEvents.denied, access, by: principal), to: ledger).position
    }
}
