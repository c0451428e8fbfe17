public import Foundation
public import Ledger
import NIOCore
import PostgresNIO

/// A stored checkpoint as an auditor's listing shows it: the checkpoint, its signature held to
/// the service's verifier keys, and its RFC 3161 timestamp when one is stored.
public struct CheckpointListing: Sendable {
    /// The RFC 3161 timestamp stored for a checkpoint (`checkpoint_timestamps`).
    public struct Timestamp: Sendable, Hashable {
        /// The token's `genTime`, as read from the token when it was stored.
        public var time: Date
        /// The Time-Stamp Authority the token came from (`RECORDKEEPER_TSA_URL` then).
        public var authority: String
        /// The token's serial number.
        public var serial: String
    }

    public var checkpoint: StoredCheckpoint
    /// The signature and origin check (docs/ledger-format.md section 12.6, steps 1 and 2):
    /// `failure` nil when a signature by one of the keys verifies and the origin is the ledger's.
    public var signature: CheckpointAudit.Result
    /// The key ids (8 hex digits) of the note's signature lines.
    public var signerKeyIDs: [String]
    public var timestamp: Timestamp?

    /// Whether a signature by one of the keys verifies and the origin is the ledger's.
    public var signatureVerifies: Bool { signature.failure == nil }
}

extension LedgerStore {
    /// The service's checkpoint verifier keys for `ledger`: one per signing key stored in
    /// `signing_keys`, named by the ledger's origin (`<logName>/ledgers/<ledger>`), as
    /// `recordkeeper keys public` prints them for publication.
    public func checkpointVerifierKeys(ledger: String, logName: String) async throws -> [NoteVerifierKey] {
        try await SigningKeyStore.list(client: client, logger: logger).map { try $0.verifierKey(logName: logName, ledger: ledger) }
    }

    /// The ledger's checkpoints newest first, before the checkpoint id `beforeID` (all when
    /// nil), at most `limit`, each signature held to `keys` (the service's verifier keys, or an
    /// auditor's) with ``CheckpointAudit``, as `verify` checks it. Empty when the ledger does
    /// not exist.
    public func checkpointListings(
        ledger name: String, logName: String, keys: [NoteVerifierKey], beforeID: Int64? = nil, limit: Int = 50
    ) async throws -> [CheckpointListing] {
        guard let ledger = try await existingLedger(named: name) else { return [] }
        let rows = try await client.query(
            """
            SELECT c.id, c.tree_size, c.root_hash, c.chain_head, c.signing_key_id, c.note, c.created_at,
                   t.gen_time, t.tsa_url, t.serial
            FROM checkpoints c LEFT JOIN checkpoint_timestamps t ON t.checkpoint_id = c.id
            WHERE c.ledger_id = \(ledger.id) AND c.id < \(beforeID ?? Int64.max)
            ORDER BY c.id DESC LIMIT \(max(0, limit))
            """, logger: logger)
        var listings: [CheckpointListing] = []
        for try await (id, size, root, head, keyID, note, created, genTime, tsaURL, serial) in rows.decode(
            (Int64, Int64, ByteBuffer, ByteBuffer, Int32, String, Date, Date?, String?, String?).self)
        {
            let stored = StoredCheckpoint(
                id: id, ledger: name, treeSize: size, rootHash: try LedgerDigest(bytes: root.readableBytesView),
                chainHead: try LedgerDigest(bytes: head.readableBytesView), signingKeyID: keyID, note: note, createdAt: created)
            let audit = CheckpointAudit(ledger: name, logName: logName, notes: [(source: "stored checkpoint #\(id)", note: note)], trustedKeys: keys)
            guard let result = audit.results.first else { continue }
            let signers = ((try? SignedNote(parsing: note))?.signatures ?? []).map { String(format: "%08x", $0.keyID) }
            var timestamp: CheckpointListing.Timestamp?
            if let genTime, let tsaURL { timestamp = .init(time: genTime, authority: tsaURL, serial: serial ?? "") }
            listings.append(CheckpointListing(checkpoint: stored, signature: result, signerKeyIDs: signers, timestamp: timestamp))
        }
        return listings
    }
}
