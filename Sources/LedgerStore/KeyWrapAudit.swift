import Foundation
import Ledger
import NIOCore
import PostgresNIO

extension VerificationFinding {
    /// One of the ledger's live data keys names the configured master key but its wrap does not
    /// open with it: a key row inserted with junk (the service role may insert data keys, not
    /// change them). Payloads sealed under it cannot be read; each also gets a
    /// `payload_key_unavailable` finding.
    public static let dataKeyWrapUnopenable = "data_key_wrap_unopenable"
}

extension LedgerStore {
    /// Every live data key of the ledger whose wrap names the configured master key but does not
    /// open with it, one finding each (``VerificationFinding/dataKeyWrapUnopenable``). Keys
    /// wrapped by another master key cannot be checked here. Reads in the caller's snapshot
    /// `db`; nothing without a master key.
    func unopenableKeyWraps(ledger: LedgerRef, in db: PostgresConnection) async throws -> [VerificationFinding] {
        guard let masterKey else { return [] }
        let rows = try await db.query(
            """
            SELECT id, stream, period, wrapped_key FROM data_keys
            WHERE ledger_id = \(ledger.id) AND destroyed_at IS NULL AND wrapped_key IS NOT NULL
              AND master_key_id = \(masterKey.identifier)
            ORDER BY id
            """,
            logger: logger
        )
        var findings: [VerificationFinding] = []
        for try await (keyID, stream, period, wrapped) in rows.decode((Int64, String, String, ByteBuffer).self) {
            let scope = DataKeyScope(ledger: ledger.name, stream: stream, period: period)
            if (try? DataKey.unwrap(Array(wrapped.readableBytesView), master: masterKey, scope: scope)) != nil { continue }
            findings.append(
                VerificationFinding(
                    code: VerificationFinding.dataKeyWrapUnopenable, position: nil,
                    reason: "data key \(keyID) (\(stream), \(period)) names master key \(masterKey.identifier) but its wrap does not open with it"))
        }
        return findings
    }
}
