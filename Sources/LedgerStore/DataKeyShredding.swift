public import Logging
public import PostgresNIO

/// What one call of the bulk destruction door did.
public struct DataKeyShredding: Sendable, Hashable {
    /// The data keys destroyed by this call (a key the same entry destroyed before is not counted).
    public var keysDestroyed: Int64
    /// The payloads removed by this call.
    public var payloadsRemoved: Int64

    public init(keysDestroyed: Int64, payloadsRemoved: Int64) {
        self.keysDestroyed = keysDestroyed
        self.payloadsRemoved = payloadsRemoved
    }

    /// Destroys the data keys `keys` of `ledger` and every payload they seal, through the
    /// database door `rk_destroy_data_keys` (migration 0021), on `connection`, in the caller's
    /// transaction: the `record.destroyed` entry at `authorisingPosition` must list every key
    /// in its header's `data_key_ids`. Keys that entry already destroyed are skipped, so calling
    /// again after an interruption finishes the work.
    /// - Throws: the door's refusal (SQLSTATE `RK002`) when the entry does not authorise a key,
    ///   a key belongs to another ledger or was destroyed by another entry, or a key seals a
    ///   payload recorded after the entry.
    public static func destroy(
        keys: [Int64], authorisedBy authorisingPosition: Int64, ledger: LedgerRef, on connection: PostgresConnection, logger: Logger
    ) async throws -> DataKeyShredding {
        guard !keys.isEmpty else { return DataKeyShredding(keysDestroyed: 0, payloadsRemoved: 0) }
        let rows = try await connection.query(
            "SELECT keys_destroyed, payloads_removed FROM rk_destroy_data_keys(\(ledger.id), \(keys), \(authorisingPosition))",
            logger: logger)
        for try await (destroyed, removed) in rows.decode((Int64, Int64).self) {
            return DataKeyShredding(keysDestroyed: destroyed, payloadsRemoved: removed)
        }
        return DataKeyShredding(keysDestroyed: 0, payloadsRemoved: 0)
    }
}
