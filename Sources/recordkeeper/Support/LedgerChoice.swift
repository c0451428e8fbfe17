import LedgerStore
import RecordkeeperRuntime

/// The ledger a command works on: the one named, or the only one there is.
func chooseLedger(_ named: String?, in store: LedgerStore) async throws -> String {
    if let named { return named }
    let all = try await store.ledgers().map(\.name)
    guard all.count == 1, let only = all.first else {
        throw CLIError(all.isEmpty ? "there are no ledgers yet" : "several ledgers exist (\(all.joined(separator: ", "))): choose one with --ledger")
    }
    return only
}
