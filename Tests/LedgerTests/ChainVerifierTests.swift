import Foundation
import Ledger
import Testing

/// An honest ledger of `count` entries built in memory with `EntryEncoding`, and helpers to
/// tamper with it the ways an attacker with write access to the tables could.
struct ChainFixture {
    struct Row {
        var entry: StoredEntry
        var evidence: PayloadEvidence
    }

    static let ledger = "test-ledger"
    var rows: [Row] = []

    init(count: Int = 10) {
        var previous = LedgerDigest.genesis
        for position in 1...Int64(count) {
            let row = Self.row(position: position, previous: previous)
            rows.append(row)
            previous = row.entry.entryHash
        }
    }

    static func salt(_ position: Int64, variant: UInt8 = 0) -> [UInt8] {
        (0..<32).map { UInt8(truncatingIfNeeded: Int(position) &* 31 &+ $0) ^ variant }
    }

    static func payload(_ position: Int64) -> [UInt8] { Array("message number \(position) ✓".utf8) }

    static func fields(position: Int64, salt: [UInt8], payload: [UInt8], actor: String = "staff:alice") -> EntryFields {
        EntryFields(
            ledger: ledger,
            position: position,
            eventID: UUID(uuidString: String(format: "00000000-0000-4000-8000-%012lld", position))!,
            stream: "conversation/José",
            eventType: "whatsapp.message.received",
            occurredAt: LedgerTimestamp(microseconds: 1_741_944_413_000_000 + position * 1_000),
            recordedAt: LedgerTimestamp(microseconds: 1_741_944_414_000_000 + position * 1_000),
            actor: actor,
            dedupeKey: position.isMultiple(of: 2) ? "wamid.\(position)" : nil,
            header: #"{"direction":"inbound","n":\#(position)}"#,
            payloadCommitment: try! PayloadCommitment.commit(salt: salt, payload: payload)
        )
    }

    /// An honestly hashed entry at `position` linked to `previous`.
    static func row(position: Int64, previous: LedgerDigest, actor: String = "staff:alice") -> Row {
        let salt = salt(position)
        let payload = payload(position)
        let fields = fields(position: position, salt: salt, payload: payload, actor: actor)
        let entry = StoredEntry(fields: fields, previousHash: previous, entryHash: EntryEncoding.entryHash(fields, previousHash: previous))
        return Row(entry: entry, evidence: .opened(salt: salt, payload: payload))
    }

    func hash(at position: Int64) -> LedgerDigest { rows[Int(position) - 1].entry.entryHash }

    /// Feeds rows in order; returns the first failure and the verifier's final state.
    static func verify(
        _ rows: [Row], startingAt start: Int64 = 1, previousHash: LedgerDigest = .genesis
    ) -> (failure: VerificationFailure?, verifier: ChainVerifier) {
        var verifier = ChainVerifier(ledger: ledger, startingAt: start, previousHash: previousHash)
        for row in rows {
            if let failure = verifier.check(row.entry, payload: row.evidence) { return (failure, verifier) }
        }
        return (nil, verifier)
    }
}

@Suite("ChainVerifier")
struct ChainVerifierTests {
    let chain = ChainFixture()

    @Test("an intact chain of 10 entries verifies, head included")
    func intact() {
        let (failure, verifier) = ChainFixture.verify(chain.rows)
        #expect(failure == nil)
        #expect(verifier.verifiedEntries == 10)
        #expect(verifier.verifiedPayloads == 10)
        #expect(verifier.destroyedPayloads == 0)
        #expect(verifier.expectedPosition == 11)
        #expect(verifier.previousHash == chain.hash(at: 10))
        #expect(verifier.checkHead(position: 10, hash: chain.hash(at: 10)) == nil)
        #expect(chain.rows[0].entry.previousHash == .genesis)
        #expect(chain.rows[5].entry.previousHash == chain.hash(at: 5))
    }

    enum Alteration: String, CaseIterable, CustomTestStringConvertible {
        case actor, header, streamNormalisedToNFD, occurredAtPlusOneMicrosecond, recordedAt, eventType, eventID
        case dedupeKeyRemoved, payloadCommitment
        var testDescription: String { rawValue }

        func apply(to fields: inout EntryFields) {
            switch self {
            case .actor: fields.actor = "staff:mallory"
            case .header: fields.header = #"{"direction":"outbound","n":4}"#
            case .streamNormalisedToNFD: fields.stream = "conversation/Jose\u{301}"  // looks identical, other bytes
            case .occurredAtPlusOneMicrosecond: fields.occurredAt.microseconds += 1
            case .recordedAt: fields.recordedAt.microseconds -= 3_600_000_000
            case .eventType: fields.eventType = "whatsapp.message.deleted"
            case .eventID: fields.eventID = UUID(uuidString: "00000000-0000-4000-8000-000000000099")!
            case .dedupeKeyRemoved: fields.dedupeKey = nil
            case .payloadCommitment: fields.payloadCommitment = LedgerDigest.sha256(Array("other".utf8))
            }
        }
    }

    @Test("a field altered in place is an entry hash mismatch at that position", arguments: Alteration.allCases)
    func alteredField(_ alteration: Alteration) {
        var rows = chain.rows
        alteration.apply(to: &rows[3].entry.fields)
        let computed = EntryEncoding.entryHash(rows[3].entry.fields, previousHash: chain.hash(at: 3))
        #expect(computed != chain.hash(at: 4))
        let (failure, verifier) = ChainFixture.verify(rows)
        #expect(failure == VerificationFailure(position: 4, reason: .entryHashMismatch(computed: computed, stored: chain.hash(at: 4))))
        #expect(failure?.reason.code == "entry_hash_mismatch")
        #expect(verifier.verifiedEntries == 3)
    }

    @Test("an altered entry_hash column is reported at its own position")
    func alteredStoredHash() {
        var rows = chain.rows
        let bogus = LedgerDigest.sha256(Array("bogus".utf8))
        rows[6].entry.entryHash = bogus
        let (failure, _) = ChainFixture.verify(rows)
        #expect(failure == VerificationFailure(position: 7, reason: .entryHashMismatch(computed: chain.hash(at: 7), stored: bogus)))
    }

    @Test("a deleted entry is reported missing at its position")
    func deletedEntry() {
        var rows = chain.rows
        rows.remove(at: 5)  // position 6
        let (failure, verifier) = ChainFixture.verify(rows)
        #expect(failure == VerificationFailure(position: 6, reason: .missingEntry(foundNext: 7)))
        #expect(failure?.reason.code == "missing_entry")
        #expect(failure?.description == "entry 6 is missing (the next entry found is 7)")
        #expect(verifier.verifiedEntries == 5)
    }

    @Test("a deleted first entry is reported missing at position 1")
    func deletedFirstEntry() {
        let (failure, _) = ChainFixture.verify(Array(chain.rows.dropFirst()))
        #expect(failure == VerificationFailure(position: 1, reason: .missingEntry(foundNext: 2)))
    }

    @Test("a deleted last entry is caught by the head row")
    func deletedLastEntry() {
        let (failure, verifier) = ChainFixture.verify(Array(chain.rows.dropLast()))
        #expect(failure == nil)
        #expect(verifier.checkHead(position: 10, hash: chain.hash(at: 10)) == VerificationFailure(position: 10, reason: .missingEntry(foundNext: nil)))
    }

    @Test("a deleted entry whose successors were renumbered to close the gap breaks the link there")
    func deletedAndRenumbered() {
        var rows = chain.rows
        rows.remove(at: 5)
        for index in 5..<rows.count { rows[index].entry.fields.position -= 1 }
        let (failure, _) = ChainFixture.verify(rows)
        #expect(failure == VerificationFailure(position: 6, reason: .brokenLink(expected: chain.hash(at: 5), stored: chain.hash(at: 6))))
        #expect(failure?.reason.code == "broken_link")
    }

    @Test("swapped entries (read in stored order) fail at the first swapped position")
    func swappedOrder() {
        var rows = chain.rows
        rows.swapAt(3, 4)  // positions 4 and 5
        let (failure, _) = ChainFixture.verify(rows)
        #expect(failure == VerificationFailure(position: 4, reason: .missingEntry(foundNext: 5)))
    }

    @Test("swapped entry contents (position columns kept) fail at the first swapped position")
    func swappedContents() {
        var rows = chain.rows
        rows.swapAt(3, 4)
        rows[3].entry.fields.position = 4
        rows[4].entry.fields.position = 5
        let (failure, _) = ChainFixture.verify(rows)
        #expect(failure == VerificationFailure(position: 4, reason: .brokenLink(expected: chain.hash(at: 3), stored: chain.hash(at: 4))))
    }

    @Test("a forged entry inserted with a correct hash is caught at the following position")
    func forgedWithCorrectHash() {
        var rows = chain.rows
        let forged = ChainFixture.row(position: 5, previous: chain.hash(at: 4), actor: "staff:mallory")
        rows.insert(forged, at: 4)
        for index in 5..<rows.count { rows[index].entry.fields.position += 1 }  // originals 5…10 become 6…11
        let (failure, verifier) = ChainFixture.verify(rows)
        #expect(failure == VerificationFailure(position: 6, reason: .brokenLink(expected: forged.entry.entryHash, stored: chain.hash(at: 4))))
        #expect(verifier.verifiedEntries == 5)  // the forgery itself is indistinguishable from an honest entry

        // The attacker also rewrote the next entry's prev_hash: its position field no longer matches its hash.
        rows[5].entry.previousHash = forged.entry.entryHash
        let computed = EntryEncoding.entryHash(rows[5].entry.fields, previousHash: forged.entry.entryHash)
        let (second, _) = ChainFixture.verify(rows)
        #expect(second == VerificationFailure(position: 6, reason: .entryHashMismatch(computed: computed, stored: chain.hash(at: 5))))
    }

    @Test("a forged entry with a wrong hash is caught at its own position")
    func forgedWithWrongHash() {
        var rows = chain.rows
        var forged = ChainFixture.row(position: 5, previous: chain.hash(at: 4), actor: "staff:mallory")
        let honest = forged.entry.entryHash
        forged.entry.entryHash = LedgerDigest.sha256(Array("forged".utf8))
        rows.insert(forged, at: 4)
        let (failure, _) = ChainFixture.verify(rows)
        #expect(failure == VerificationFailure(position: 5, reason: .entryHashMismatch(computed: honest, stored: forged.entry.entryHash)))
    }

    @Test("a forged entry appended after the head is caught by the head row")
    func forgedAppended() {
        var rows = chain.rows
        rows.append(ChainFixture.row(position: 11, previous: chain.hash(at: 10)))
        let (failure, verifier) = ChainFixture.verify(rows)
        #expect(failure == nil)
        #expect(verifier.checkHead(position: 10, hash: chain.hash(at: 10)) == VerificationFailure(position: 11, reason: .beyondHead(head: 10)))
    }

    @Test("a tail rewritten with recomputed hashes passes the links but not the recorded head hash")
    func rewrittenTail() {
        var rows = Array(chain.rows.prefix(6))
        var previous = chain.hash(at: 6)
        for position in Int64(7)...10 {
            let row = ChainFixture.row(position: position, previous: previous, actor: "staff:mallory")
            rows.append(row)
            previous = row.entry.entryHash
        }
        let (failure, verifier) = ChainFixture.verify(rows)
        #expect(failure == nil)
        #expect(verifier.checkHead(position: 10, hash: chain.hash(at: 10)) == VerificationFailure(position: 10, reason: .headHashMismatch))
    }

    @Test("an entry of another ledger is reported")
    func wrongLedger() {
        var rows = chain.rows
        rows[2].entry.fields.ledger = "other-ledger"
        let (failure, _) = ChainFixture.verify(rows)
        #expect(failure == VerificationFailure(position: 3, reason: .wrongLedger("other-ledger")))
    }

    @Test("a duplicated entry is an unexpected position")
    func duplicate() {
        var rows = chain.rows
        rows.insert(rows[2], at: 3)
        let (failure, _) = ChainFixture.verify(rows)
        #expect(failure == VerificationFailure(position: 3, reason: .unexpectedPosition(expected: 4)))
        #expect(failure?.reason.code == "unexpected_position")
    }

    @Test("a payload opened with a wrong salt does not match its commitment")
    func wrongSalt() {
        var rows = chain.rows
        rows[2].evidence = .opened(salt: ChainFixture.salt(3, variant: 0x01), payload: ChainFixture.payload(3))
        let (failure, verifier) = ChainFixture.verify(rows)
        #expect(failure == VerificationFailure(position: 3, reason: .payloadCommitmentMismatch))
        #expect(failure?.reason.code == "payload_commitment_mismatch")
        #expect(verifier.verifiedPayloads == 2)
    }

    @Test("a substituted payload or a short salt does not match its commitment")
    func wrongPayload() {
        var rows = chain.rows
        rows[7].evidence = .opened(salt: ChainFixture.salt(8), payload: ChainFixture.payload(9))
        #expect(ChainFixture.verify(rows).failure == VerificationFailure(position: 8, reason: .payloadCommitmentMismatch))
        rows[7].evidence = .opened(salt: Array(ChainFixture.salt(8).dropLast()), payload: ChainFixture.payload(8))
        #expect(ChainFixture.verify(rows).failure == VerificationFailure(position: 8, reason: .payloadCommitmentMismatch))
    }

    @Test("a missing payload without authorisation is reported")
    func missingPayload() {
        var rows = chain.rows
        rows[6].evidence = .missing
        let (failure, _) = ChainFixture.verify(rows)
        #expect(failure == VerificationFailure(position: 7, reason: .payloadMissing))
        #expect(failure?.reason.code == "payload_missing")
    }

    @Test("a destroyed payload is accepted only when a later entry authorised it")
    func destroyedPayload() {
        var rows = chain.rows
        rows[6].evidence = .destroyed(authorisedBy: 9)
        let (ok, verifier) = ChainFixture.verify(rows)
        #expect(ok == nil)
        #expect(verifier.destroyedPayloads == 1)
        #expect(verifier.verifiedPayloads == 9)

        for authorisedBy: Int64 in [7, 3] {
            rows[6].evidence = .destroyed(authorisedBy: authorisedBy)
            #expect(ChainFixture.verify(rows).failure == VerificationFailure(position: 7, reason: .payloadMissing))
        }
    }

    @Test("an unreadable payload is reported with its reason")
    func unreadablePayload() {
        var rows = chain.rows
        rows[1].evidence = .unreadable("wrong key")
        let (failure, _) = ChainFixture.verify(rows)
        #expect(failure == VerificationFailure(position: 2, reason: .payloadUnreadable("wrong key")))
        #expect(failure?.description == "entry 2's payload cannot be read: wrong key")
    }

    @Test("without a master key the chain alone is verified")
    func notChecked() {
        let rows = chain.rows.map { ChainFixture.Row(entry: $0.entry, evidence: .notChecked) }
        let (failure, verifier) = ChainFixture.verify(rows)
        #expect(failure == nil)
        #expect(verifier.verifiedEntries == 10)
        #expect(verifier.verifiedPayloads == 0)
    }

    @Test("the recorded head: beyond the last entry, behind it, or with another hash")
    func head() {
        let (_, verifier) = ChainFixture.verify(chain.rows)
        #expect(verifier.checkHead(position: 12, hash: chain.hash(at: 10)) == VerificationFailure(position: 11, reason: .missingEntry(foundNext: nil)))
        #expect(verifier.checkHead(position: 8, hash: chain.hash(at: 8)) == VerificationFailure(position: 9, reason: .beyondHead(head: 8)))
        #expect(verifier.checkHead(position: 10, hash: chain.hash(at: 9)) == VerificationFailure(position: 10, reason: .headHashMismatch))
        #expect(verifier.checkHead(position: 10, hash: chain.hash(at: 9))?.reason.code == "head_hash_mismatch")
        #expect(verifier.checkHead(position: 8, hash: chain.hash(at: 8))?.reason.code == "entries_beyond_head")
    }

    @Test("an empty ledger: head 0 at the genesis value")
    func emptyLedger() {
        let verifier = ChainVerifier(ledger: ChainFixture.ledger)
        #expect(verifier.checkHead(position: 0, hash: .genesis) == nil)
        #expect(verifier.checkHead(position: 0, hash: chain.hash(at: 1)) == VerificationFailure(position: 0, reason: .headHashMismatch))
        #expect(verifier.checkHead(position: 1, hash: chain.hash(at: 1)) == VerificationFailure(position: 1, reason: .missingEntry(foundNext: nil)))
    }

    @Test("partial verification from an anchor")
    func partial() {
        let tail = Array(chain.rows[4...])
        let (ok, verifier) = ChainFixture.verify(tail, startingAt: 5, previousHash: chain.hash(at: 4))
        #expect(ok == nil)
        #expect(verifier.verifiedEntries == 6)
        let (failure, _) = ChainFixture.verify(tail, startingAt: 5, previousHash: .genesis)
        #expect(failure == VerificationFailure(position: 5, reason: .brokenLink(expected: .genesis, stored: chain.hash(at: 4))))
    }

    @Test("the first failure is the one reported")
    func firstFailureWins() {
        var rows = chain.rows
        rows[8].evidence = .missing
        rows[2].entry.fields.actor = "staff:mallory"
        let (failure, verifier) = ChainFixture.verify(rows)
        #expect(failure?.position == 3)
        #expect(verifier.verifiedEntries == 2)
    }
}
