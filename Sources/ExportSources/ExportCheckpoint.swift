import Ledger
public import LedgerStore

/// The signed checkpoint an export's proofs are for, with the verifier key of its signing key.
public struct ExportCheckpoint: Sendable {
    /// The C2SP signed note, as stored.
    public var note: String
    public var treeSize: Int64
    /// The verifier key lines (docs/ledger-format.md section 12.4).
    public var keys: [String]

    /// The newest checkpoint of `ledger` when it covers `position`, else a new one of the ledger's
    /// head (as `recordkeeper checkpoint` makes it, named `logName`).
    /// - Throws: ``ExportSourceError/noSigningKey`` when no signing key exists.
    public static func covering(position: Int64, ledger: LedgerRef, store: LedgerStore, logName: String) async throws -> ExportCheckpoint {
        let keys = try await SigningKeyStore.list(client: store.client, logger: store.logger)
        guard !keys.isEmpty else { throw ExportSourceError.noSigningKey }
        var stored = try await store.latestCheckpoint(ledger: ledger.name)
        if stored.map({ $0.treeSize < position }) ?? true {
            stored = try await store.makeCheckpoint(ledger: ledger.name, logName: logName)
        }
        guard let stored, let key = keys.first(where: { $0.id == stored.signingKeyID }) else { throw ExportSourceError.noSigningKey }
        let origin = try stored.checkpoint.origin
        let verifier = try NoteVerifierKey(name: origin, ed25519PublicKey: key.publicKey)
        return ExportCheckpoint(note: stored.note, treeSize: stored.treeSize, keys: [verifier.description])
    }
}
