public import Ledger

/// How deep verification went.
public enum VerificationLevel: String, Sendable, Codable {
    /// Positions, links and entry hashes (no master key needed).
    case chain
    /// The chain, plus every present payload decrypted and checked against its commitment.
    case chainAndPayloads = "chain+payloads"
}

/// The outcome of verifying one ledger.
public struct LedgerVerificationReport: Sendable {
    public var ledger: String
    public var level: VerificationLevel
    /// Entries checked and found intact.
    public var entries: Int64
    public var payloadsVerified: Int64
    public var payloadsDestroyed: Int64
    public var headPosition: Int64
    public var failure: VerificationFailure?
    public var ok: Bool { failure == nil }
}

extension LedgerStore {
    /// Re-reads a ledger in position order and recomputes everything the chain commits to.
    ///
    /// Streams page by page (memory stays flat), stops at the first bad position and says why.
    /// With a master key every present payload is decrypted and checked against its commitment;
    /// without one the chain alone is verified (``VerificationLevel/chain``).
    /// - Parameters:
    ///   - from: start here, trusting the stored hash of the entry before (1 = from genesis).
    ///   - progress: called after each page with the last position checked and the head.
    public func verify(
        ledger name: String, from: Int64 = 1, pageSize: Int = 2000,
        progress: (@Sendable (_ position: Int64, _ head: Int64) -> Void)? = nil
    ) async throws -> LedgerVerificationReport {
        let ledger = try await ledger(named: name, create: false)
        let head = try await head(of: ledger)
        let level: VerificationLevel = keyRing.canDecrypt ? .chainAndPayloads : .chain
        var verifier: ChainVerifier
        let start = max(1, from)
        if start > 1 {
            let anchor = try await EntryPages.fetch(
                client: client, ledger: ledger, after: start - 2, through: start - 1, stream: nil, limit: 1, logger: logger
            )
            guard let anchorRow = anchor.first, anchorRow.entry.fields.position == start - 1 else {
                let failure = VerificationFailure(position: start - 1, reason: .missingEntry(foundNext: anchor.first?.entry.fields.position))
                return report(ledger, level, ChainVerifier(ledger: name), head.position, failure)
            }
            verifier = ChainVerifier(ledger: name, startingAt: start, previousHash: anchorRow.entry.entryHash)
        } else {
            verifier = ChainVerifier(ledger: name)
        }
        var after = start - 1
        while true {
            let page = try await EntryPages.fetch(
                client: client, ledger: ledger, after: after, through: nil, stream: nil, limit: pageSize, logger: logger
            )
            for row in page {
                let evidence = try await evidence(for: row)
                if let failure = verifier.check(row.entry, payload: evidence) {
                    return report(ledger, level, verifier, head.position, failure)
                }
            }
            guard let last = page.last else { break }
            after = last.entry.fields.position
            progress?(after, head.position)
            if page.count < pageSize { break }
        }
        let failure = verifier.checkHead(position: head.position, hash: head.hash)
        return report(ledger, level, verifier, head.position, failure)
    }

    private func report(
        _ ledger: LedgerRef, _ level: VerificationLevel, _ verifier: ChainVerifier, _ head: Int64, _ failure: VerificationFailure?
    ) -> LedgerVerificationReport {
        LedgerVerificationReport(
            ledger: ledger.name, level: level, entries: verifier.verifiedEntries, payloadsVerified: verifier.verifiedPayloads,
            payloadsDestroyed: verifier.destroyedPayloads, headPosition: head, failure: failure
        )
    }

    /// A wrong master key is a set-up mistake, not tampering: it is thrown ("could not run"),
    /// while a payload that the right key cannot open is evidence against that entry.
    private func evidence(for row: RawEntryRow) async throws -> PayloadEvidence {
        do {
            switch try await openPayload(of: row) {
            case .opened(let salt, let payload): return .opened(salt: salt, payload: payload)
            case .sealed: return .notChecked
            case .destroyed(let position): return .destroyed(authorisedBy: position)
            case .missing: return .missing
            }
        } catch let error as LedgerStoreError {
            if case .masterKeyMismatch = error { throw error }
            return .unreadable("\(error)")
        } catch {
            return .unreadable("\(error)")
        }
    }
}
