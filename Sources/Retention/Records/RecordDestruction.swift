/// Whether a record is destroyed, in SQL.
///
/// A record is destroyed when its data key is: the destruction door (`rk_destroy_data_keys`)
/// sets `data_keys.destroyed_by_position` to the `record.destroyed` entry that authorised it, in
/// the transaction that removes the record's payloads. That column is the one fact every reader
/// asks (`retention_records` keeps no copy of it: marking a copy cost as much as destroying), and
/// `verify` checks it against the log. An authority whose keys are not yet destroyed (a run
/// stopped between its steps, or halted by a hold) has destroyed nothing.
package enum RecordDestruction {
    /// The position of the `record.destroyed` entry that destroyed the record of the row `row`
    /// (a table name or alias with `ledger_id`, `stream` and `period` columns); NULL while the
    /// record's key lives. Looked up by the key's unique index, one probe per row.
    package static func destroyedBy(_ row: String) -> String {
        """
        (SELECT dk.destroyed_by_position FROM data_keys dk
         WHERE dk.ledger_id = \(row).ledger_id AND dk.stream = \(row).stream AND dk.period = \(row).period)
        """
    }

    /// True when the record of the row `row` is destroyed.
    package static func isDestroyed(_ row: String) -> String {
        """
        EXISTS (SELECT 1 FROM data_keys dk
                WHERE dk.ledger_id = \(row).ledger_id AND dk.stream = \(row).stream AND dk.period = \(row).period
                  AND dk.destroyed_by_position IS NOT NULL)
        """
    }
}
