import Foundation
import Ledger
import NIOCore
import PostgresNIO
import TestSupport
import Testing

@testable import LedgerStore

/// Signed checkpoints (docs/ledger-format.md sections 12 and 10.3): the note has the C2SP form
/// and verifies with the published key, and a ledger is held against checkpoints kept outside the
/// database, which catch the tampering the chain alone cannot (a consistent truncation or
/// rewrite).
@Suite("Checkpoint verification")
struct CheckpointVerificationTests {
    static let logName = TreeTestSupport.logName
    static let origin = "\(TreeTestSupport.logName)/ledgers/t"

    /// Appends `count` entries to ledger `t` (numbers continuing from `after`).
    static func append(_ store: LedgerStore, count: Int, after: Int = 0) async throws {
        _ = try await store.append((1...count).map { sampleEvent(after + $0, stream: "conversation/\($0 % 2)") }, to: "t")
    }

    /// A signing key, 40 entries in `t` and a checkpoint of them; returns the checkpoint and the
    /// key's published verifier key for `t`.
    static func seed(_ db: ScratchDatabase, entries: Int = 40) async throws -> (StoredCheckpoint, NoteVerifierKey) {
        try await db.withStore { _, store in
            let key = try await SigningKeyStore.create(client: store.client, masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
            try await append(store, count: entries)
            let checkpoint = try await store.makeCheckpoint(ledger: "t", logName: logName)
            #expect(checkpoint.treeSize == Int64(entries))
            return (checkpoint, try key.verifierKey(logName: logName, ledger: "t"))
        }
    }

    /// Verifies `t` against outside notes only (stored checkpoints ignored unless asked).
    static func verify(
        _ db: ScratchDatabase, notes: [String] = [], keys: [NoteVerifierKey], logName: String? = TreeTestSupport.logName,
        includeStored: Bool = false
    ) async throws -> LedgerVerificationReport {
        try await db.withStore { _, store in
            try await store.verify(
                ledger: "t",
                trust: CheckpointTrust(
                    notes: notes.enumerated().map { (source: "outside-\($0.offset).checkpoint", note: $0.element) },
                    trustedKeys: keys, logName: logName, includeStored: includeStored))
        }
    }

    static func describe(_ report: LedgerVerificationReport) -> String {
        "\(String(describing: report.firstProblem)); checkpoints: \(report.checkpoints.map { "\($0.source): \($0.reason)" })"
    }

    @Test("the stored note is a C2SP signed tlog-checkpoint of the ledger's head and verifies with the published key")
    func noteForm() async throws {
        try await withMigratedDatabase { db in
            let (checkpoint, verifierKey) = try await Self.seed(db)
            try await db.withStore { _, store in
                let hashes = try await TreeTestSupport.entryHashes(store, ledger: "t")
                let root = MerkleTree.root(of: TreeTestSupport.leafHashes(hashes))
                #expect(checkpoint.rootHash == root)
                #expect(checkpoint.chainHead == hashes[39])

                let note = checkpoint.note
                #expect(note.hasSuffix("\n"))
                #expect(!note.contains("\r"))
                let lines = note.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                #expect(lines.count == 8, "\(lines)")  // 5 body lines, the blank line, one signature, and "" after the last \n
                #expect(lines[0] == Self.origin)
                #expect(lines[1] == "40")
                #expect(lines[2] == Data(root.bytes).base64EncodedString())
                #expect(lines[3] == "recordkeeper-chain-head \(hashes[39].hex)")
                #expect(lines[4].wholeMatch(of: /recordkeeper-created \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/) != nil, "\(lines[4])")
                #expect(lines[5] == "")
                #expect(lines[6].hasPrefix("\u{2014} \(Self.origin) "))
                #expect(Array(lines[6].utf8.prefix(4)) == [0xE2, 0x80, 0x94, 0x20])
                #expect(lines.last == "")

                // The signature blob is key ID (4 bytes) ‖ Ed25519 signature (64 bytes); the key
                // ID is SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[0..<4].
                let blob = try #require(Data(base64Encoded: String(lines[6].split(separator: " ")[2])))
                #expect(blob.count == 68)
                let expectedID = LedgerDigest.sha256(Array(Self.origin.utf8) + [0x0A, 0x01] + verifierKey.publicKey).bytes.prefix(4)
                #expect(Array(blob.prefix(4)) == Array(expectedID))

                let signed = try SignedNote(parsing: note)
                #expect(signed.text == lines[0...4].map { $0 + "\n" }.joined())
                #expect(signed.signatures.count == 1)
                let parsed = try Checkpoint(parsingBody: signed.text)
                #expect(parsed.origin == Self.origin)
                #expect(parsed.treeSize == 40)
                #expect(parsed.rootHash == root)
                #expect(parsed.chainHead == hashes[39])
                #expect(parsed.createdAt == Int64(checkpoint.createdAt.timeIntervalSince1970))
                #expect(try checkpoint.checkpoint == parsed)

                // The published verifier key: name+keyid+base64(0x01 ‖ key), round-trips and verifies.
                let published = verifierKey.description
                #expect(published.hasPrefix("\(Self.origin)+\(Hex.encode(expectedID))+"))
                let reparsed = try NoteVerifierKey(parsing: published)
                #expect(reparsed == verifierKey)
                #expect(reparsed.verifies(signed))
                // … and only for this text: one changed byte of the body breaks it.
                var altered = signed
                altered.text = altered.text.replacingOccurrences(of: "\n40\n", with: "\n41\n")
                #expect(!reparsed.verifies(altered))
                // … and only under this ledger's origin.
                let otherLedgerKey = try await SigningKeyStore.list(client: store.client, logger: ScratchDatabase.logger)[0]
                    .verifierKey(logName: Self.logName, ledger: "u")
                #expect(!otherLedgerKey.verifies(signed))

                let stored = try await store.checkpoints(ledger: "t")
                #expect(stored == [checkpoint])
                #expect(try await store.latestCheckpoint(ledger: "t") == checkpoint)
            }
        }
    }

    @Test("an intact ledger passes against its outside and stored checkpoints, including one of the empty ledger")
    func intact() async throws {
        try await withMigratedDatabase { db in
            let (early, verifierKey) = try await db.withStore { _, store in
                let key = try await SigningKeyStore.create(client: store.client, masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
                _ = try await store.ledger(named: "t")
                let empty = try await store.makeCheckpoint(ledger: "t", logName: Self.logName)
                #expect(empty.treeSize == 0)
                #expect(empty.rootHash == MerkleHash.emptyRoot)
                #expect(empty.chainHead == .genesis)
                return (empty, try key.verifierKey(logName: Self.logName, ledger: "t"))
            }
            let late = try await db.withStore { _, store in
                try await Self.append(store, count: 33)
                return try await store.makeCheckpoint(ledger: "t", logName: Self.logName)
            }
            #expect(late.treeSize == 33)
            #expect(late.signingKeyID == early.signingKeyID)
            let notes = [early.note, late.note]
            for includeStored in [false, true] {
                let report = try await Self.verify(db, notes: notes, keys: [verifierKey], includeStored: includeStored)
                #expect(report.ok, "\(Self.describe(report))")
                #expect(report.checkpoints.count == (includeStored ? 4 : 2))
                #expect(report.checkpoints.allSatisfy { $0.verified == true }, "\(Self.describe(report))")
            }
            // Without the log name, any origin ending in /ledgers/t is accepted.
            let report = try await Self.verify(db, notes: notes, keys: [verifierKey], logName: nil)
            #expect(report.ok, "\(Self.describe(report))")
        }
    }

    @Test("(a) a consistent truncation of the tail passes the chain alone but not the checkpoint")
    func truncatedTail() async throws {
        try await withMigratedDatabase { db in
            let (checkpoint, verifierKey) = try await Self.seed(db)
            // Keep positions 1 … 30: delete the tail, its payloads and the tree nodes beyond, and
            // move the head back to entry 30 (the superuser, triggers bypassed).
            let (ledgerID, hash30) = try await db.withStore { _, store in
                (try await TreeTestSupport.ledgerID(store, "t"), try #require(try await store.entry(ledger: "t", position: 30)).entryHash)
            }
            try await TreeTestSupport.tamper(
                db,
                [
                    "DELETE FROM ledger_payloads WHERE ledger_id = \(ledgerID) AND position > 30",
                    "DELETE FROM ledger_entries WHERE ledger_id = \(ledgerID) AND position > 30",
                    "DELETE FROM merkle_nodes WHERE ledger_id = \(ledgerID) AND last_position > 30",
                    "UPDATE ledger_heads SET position = 30, head_hash = '\\x\(hash30.hex)' WHERE ledger_id = \(ledgerID)",
                ])

            let alone = try await Self.verify(db, keys: [verifierKey])
            #expect(alone.ok, "the chain alone cannot see a consistent truncation: \(Self.describe(alone))")
            #expect(alone.entries == 30)
            #expect(alone.headPosition == 30)

            let held = try await Self.verify(db, notes: [checkpoint.note], keys: [verifierKey])
            #expect(held.failure == nil, "the chain itself is intact")
            let problem = try #require(held.firstProblem, "the truncation was not detected")
            #expect(problem.code == "checkpoint_beyond_head", "\(Self.describe(held))")
            #expect(problem.position == 31, "\(Self.describe(held))")
        }
    }

    /// Where the history is rewritten, relative to the checkpoint of the first 20 entries.
    struct Rewrite: CustomTestStringConvertible, Sendable {
        var position: Int64
        var caught: Bool
        var testDescription: String { "rewrite from position \(position)" }
    }

    @Test(
        "(b) a consistent rewrite passes the chain alone; the checkpoint catches it at its size when it covers the change",
        arguments: [Rewrite(position: 3, caught: true), Rewrite(position: 20, caught: true), Rewrite(position: 21, caught: false)])
    func consistentRewrite(_ rewrite: Rewrite) async throws {
        try await withMigratedDatabase { db in
            // The checkpoint pins the first 20 entries; the ledger then grows to 40.
            let (checkpoint, verifierKey) = try await Self.seed(db, entries: 20)
            try await db.withStore { _, store in try await Self.append(store, count: 20, after: 20) }
            let before = try await Self.verify(db, notes: [checkpoint.note], keys: [verifierKey])
            #expect(before.ok, "\(Self.describe(before))")

            let (newHashes, oldHashes) = try await db.withStore { _, store in
                let old = try await TreeTestSupport.entryHashes(store, ledger: "t")
                return (try await TreeTestSupport.rewriteConsistently(db, store, ledger: "t", position: rewrite.position), old)
            }
            #expect(newHashes.count == 40)
            let changed = Int(rewrite.position - 1)
            #expect(newHashes[..<changed] == oldHashes[..<changed], "the prefix before the change is untouched")
            #expect(newHashes[changed] != oldHashes[changed] && newHashes[39] != oldHashes[39], "the hashes from the change on are new")
            try await db.withStore { _, store in
                let entry = try await store.entry(ledger: "t", position: rewrite.position)
                #expect(entry?.fields.actor == "mallory")
            }

            let alone = try await Self.verify(db, keys: [verifierKey])
            #expect(alone.ok, "every link, hash and stored node was recomputed: \(Self.describe(alone))")
            #expect(alone.treeNodesChecked == 3, "levels 4 (16, 32) and 5 (32)")

            let held = try await Self.verify(db, notes: [checkpoint.note], keys: [verifierKey])
            #expect(held.failure == nil)
            if rewrite.caught {
                let problem = try #require(held.firstProblem, "the rewrite was not detected")
                #expect(problem.code == "checkpoint_root_mismatch", "\(Self.describe(held))")
                #expect(problem.position == 20, "reported at the checkpoint's tree size: \(Self.describe(held))")
            } else {
                // The checkpoint pins only what it covers.
                #expect(held.ok, "\(Self.describe(held))")
            }
        }
    }

    @Test("(c) a checkpoint signed by another key, or edited after signing, is not trusted")
    func otherKey() async throws {
        try await withMigratedDatabase { db in
            let (checkpoint, verifierKey) = try await Self.seed(db)
            let body = try SignedNote(parsing: checkpoint.note).text
            let stranger = NoteSigningKey.generate()
            let forged = try stranger.signNote(body, name: Self.origin).rendered
            var edited = try SignedNote(parsing: checkpoint.note)
            edited.text = edited.text.replacingOccurrences(of: "\n40\n", with: "\n39\n")

            let strangerKey = try stranger.verifierKey(name: Self.origin)
            // With stored checkpoints included, the stored public keys must not be trusted for the
            // outside note (see also outsideNotesUseOnlyTrustedKeys).
            let cases: [(String, String, [NoteVerifierKey], [Bool])] = [
                ("signed by a stranger's key", forged, [verifierKey], [false, true]),
                ("edited after signing", edited.rendered, [verifierKey], [false, true]),
                ("the real note, but only the stranger's key trusted", checkpoint.note, [strangerKey], [false, true]),
            ]
            for (label, note, keys, storedModes) in cases {
                for includeStored in storedModes {
                    let report = try await Self.verify(db, notes: [note], keys: keys, includeStored: includeStored)
                    let problem = try #require(report.firstProblem, "\(label): accepted")
                    #expect(problem.code == "checkpoint_signature_invalid", "\(label): \(Self.describe(report))")
                    #expect(problem.position == nil, "\(label)")
                    #expect(report.checkpoints.first?.source == "outside-0.checkpoint")
                }
            }
        }
    }

    @Test("an outside checkpoint is held to the caller's trusted keys, not to a key someone added to the database")
    func outsideNotesUseOnlyTrustedKeys() async throws {
        try await withMigratedDatabase { db in
            let (_, verifierKey) = try await Self.seed(db)
            // Someone with the service role's rights adds a signing key of their own (INSERT is
            // granted), makes it the active one and signs a checkpoint with it; it is stored too.
            let (forged, mallory) = try await db.withStore { _, store in
                let key = try await SigningKeyStore.create(client: store.client, masterKey: ScratchDatabase.masterKey, logger: ScratchDatabase.logger)
                let forged = try await store.makeCheckpoint(ledger: "t", logName: Self.logName)
                return (forged, key)
            }
            #expect(forged.signingKeyID == mallory.id)
            // The auditor trusts only the key published before; the stored keys must not widen that.
            let report = try await Self.verify(db, notes: [forged.note], keys: [verifierKey], includeStored: true)
            let outside = try #require(report.checkpoints.first)
            #expect(outside.source == "outside-0.checkpoint")
            #expect(
                outside.failure == .signatureInvalid,
                "the outside note is signed only by a key the caller does not trust: \(outside.reason)")
        }
    }

    @Test("(d) a checkpoint of another ledger or another log is an origin mismatch")
    func otherOrigin() async throws {
        try await withMigratedDatabase { db in
            let (checkpoint, verifierKey) = try await Self.seed(db)
            let (uNote, uKey, signer) = try await db.withStore { _, store in
                _ = try await store.append((1...40).map { sampleEvent(100 + $0) }, to: "u")
                let u = try await store.makeCheckpoint(ledger: "u", logName: Self.logName)
                let key = try await SigningKeyStore.list(client: store.client, logger: ScratchDatabase.logger)[0]
                return (u.note, try key.verifierKey(logName: Self.logName, ledger: "u"), try await TreeTestSupport.activeSigningKey(store))
            }
            // The checkpoint of ledger u, validly signed, presented as evidence for ledger t.
            let report = try await Self.verify(db, notes: [uNote], keys: [verifierKey, uKey])
            let problem = try #require(report.firstProblem)
            #expect(problem.code == "checkpoint_origin_mismatch", "\(Self.describe(report))")
            #expect(problem.position == nil)

            // The right ledger's body under another log name, signed by the same key.
            var other = try Checkpoint(parsingBody: try SignedNote(parsing: checkpoint.note).text)
            other.origin = "elsewhere.example/ledgers/t"
            let otherNote = try signer.signNote(other.body, name: other.origin).rendered
            let otherKey = try signer.verifierKey(name: other.origin)
            let strict = try await Self.verify(db, notes: [otherNote], keys: [otherKey])
            #expect(strict.firstProblem?.code == "checkpoint_origin_mismatch", "\(Self.describe(strict))")
            // A verifier not told the log name accepts any origin ending in /ledgers/t (section 12.6).
            let lenient = try await Self.verify(db, notes: [otherNote], keys: [otherKey], logName: nil)
            #expect(lenient.ok, "\(Self.describe(lenient))")
        }
    }

    @Test("a validly signed checkpoint with the right root but another chain head is a chain head mismatch")
    func chainHeadMismatch() async throws {
        try await withMigratedDatabase { db in
            let (checkpoint, verifierKey) = try await Self.seed(db)
            let signer = try await db.withStore { _, store in try await TreeTestSupport.activeSigningKey(store) }
            var body = try Checkpoint(parsingBody: try SignedNote(parsing: checkpoint.note).text)
            body.chainHead = LedgerDigest.sha256(Array("another head".utf8))
            let note = try signer.signNote(body.body, name: Self.origin).rendered
            let report = try await Self.verify(db, notes: [note], keys: [verifierKey])
            let problem = try #require(report.firstProblem)
            #expect(problem.code == "checkpoint_chain_head_mismatch", "\(Self.describe(report))")
            #expect(problem.position == 40)
        }
    }

    @Test("(e) an altered, missing or extra stored Merkle node is a tree node mismatch at the node's last position")
    func treeNode() async throws {
        try await withMigratedDatabase { db in
            let (checkpoint, verifierKey) = try await Self.seed(db)
            let ledgerID = try await db.withStore { _, store in try await TreeTestSupport.ledgerID(store, "t") }

            try await TreeTestSupport.tamper(
                db,
                [
                    "UPDATE merkle_nodes SET hash = sha256('forged') WHERE ledger_id = \(ledgerID) AND level = 4 AND last_position = 32"
                ])
            let altered = try await Self.verify(db, notes: [checkpoint.note], keys: [verifierKey])
            #expect(altered.failure == nil, "the chain is intact")
            let problem = try #require(altered.firstProblem, "the doctored node was not detected")
            #expect(problem.code == "tree_node_mismatch", "\(Self.describe(altered))")
            #expect(problem.position == 32)
            // The checkpoint itself still holds: verify recomputes the root from the entries.
            #expect(altered.checkpoints.allSatisfy { $0.verified == true }, "\(Self.describe(altered))")
            // A proof served from the doctored node no longer verifies against the checkpoint.
            let proof = try await db.withStore { _, store in try await store.inclusionProof(ledger: "t", position: 3, treeSize: 40) }
            #expect(!proof.verifies(againstRoot: checkpoint.rootHash))

            try await TreeTestSupport.tamper(
                db,
                [
                    "DELETE FROM merkle_nodes WHERE ledger_id = \(ledgerID) AND level = 4 AND last_position = 32"
                ])
            let missing = try await Self.verify(db, keys: [verifierKey])
            #expect(missing.firstProblem?.code == "tree_node_mismatch", "\(Self.describe(missing))")
            #expect(missing.firstProblem?.position == 32)
        }
    }

    @Test("a stored Merkle node planted beyond the head is reported")
    func nodeBeyondHead() async throws {
        try await withMigratedDatabase { db in
            let (_, verifierKey) = try await Self.seed(db)
            let ledgerID = try await db.withStore { _, store in try await TreeTestSupport.ledgerID(store, "t") }
            // Head is 40; the level-4 node ending at 48 cannot exist yet.
            try await TreeTestSupport.tamper(
                db,
                [
                    "INSERT INTO merkle_nodes (ledger_id, last_position, level, hash) VALUES (\(ledgerID), 48, 4, sha256('planted'))"
                ])
            let report = try await Self.verify(db, keys: [verifierKey])
            #expect(report.firstProblem?.code == "tree_node_mismatch", "\(Self.describe(report))")
            #expect(report.firstProblem?.position == 48, "\(Self.describe(report))")
            // Appending up to it collides with the planted row: the append fails saying so
            // (not "the head kept moving"), and nothing is written.
            try await db.withStore { _, store in
                await #expect {
                    try await Self.append(store, count: 8, after: 40)
                } throws: { error in
                    guard case .treeIncomplete(let why) = error as? LedgerStoreError else { return false }
                    return why.contains("beyond the ledger head")
                }
                let head = try await store.head(of: try await store.ledger(named: "t"))
                #expect(head.position == 40)
            }
        }
    }

    @Test("(f) stored checkpoints are checked too, but only outside copies survive someone who also rewrites the database")
    func storedCheckpoints() async throws {
        try await withMigratedDatabase { db in
            let (checkpoint, _) = try await Self.seed(db, entries: 24)
            try await db.withStore { _, store in try await Self.append(store, count: 8, after: 24) }
            let intact = try await db.withStore { _, store in try await store.verify(ledger: "t") }
            #expect(intact.ok, "\(Self.describe(intact))")
            #expect(intact.checkpoints.count == 1)

            try await db.withStore { _, store in
                _ = try await TreeTestSupport.rewriteConsistently(db, store, ledger: "t", position: 5)
            }
            // No outside notes, no trusted keys: the stored note (signed by the stored key) still
            // carries the old root.
            let withStored = try await db.withStore { _, store in try await store.verify(ledger: "t", trust: CheckpointTrust(includeStored: true)) }
            let problem = try #require(withStored.firstProblem, "the stored checkpoint did not catch the rewrite")
            #expect(problem.code == "checkpoint_root_mismatch", "\(Self.describe(withStored))")
            #expect(problem.position == 24)
            #expect(withStored.checkpoints.first?.source == "stored checkpoint #\(checkpoint.id)")

            let withoutStored = try await db.withStore { _, store in
                try await store.verify(ledger: "t", trust: CheckpointTrust(includeStored: false))
            }
            #expect(withoutStored.ok, "\(Self.describe(withoutStored))")

            // Why outside copies matter: whoever can rewrite the entries can also delete (or
            // re-sign, with the master key) the checkpoints stored beside them. The stored ones
            // then say nothing, and only a copy kept outside the database still catches it.
            let ledgerID = try await db.withStore { _, store in try await TreeTestSupport.ledgerID(store, "t") }
            try await TreeTestSupport.tamper(db, ["DELETE FROM checkpoints WHERE ledger_id = \(ledgerID)"])
            let cleaned = try await db.withStore { _, store in try await store.verify(ledger: "t", trust: CheckpointTrust(includeStored: true)) }
            #expect(cleaned.ok, "\(Self.describe(cleaned))")
            #expect(cleaned.checkpoints.isEmpty)
            let publishedKey = try await db.withStore { _, store in
                try await SigningKeyStore.list(client: store.client, logger: ScratchDatabase.logger)[0].verifierKey(logName: Self.logName, ledger: "t")
            }
            let outside = try await Self.verify(db, notes: [checkpoint.note], keys: [publishedKey], includeStored: true)
            #expect(outside.firstProblem?.code == "checkpoint_root_mismatch", "\(Self.describe(outside))")
            #expect(outside.firstProblem?.position == 24)
        }
    }

    @Test("the chain's own failure is reported before any checkpoint's")
    func chainFirst() async throws {
        try await withMigratedDatabase { db in
            let (checkpoint, verifierKey) = try await Self.seed(db)
            let ledgerID = try await db.withStore { _, store in try await TreeTestSupport.ledgerID(store, "t") }
            try await TreeTestSupport.tamper(db, ["UPDATE ledger_entries SET actor = 'mallory' WHERE ledger_id = \(ledgerID) AND position = 7"])
            let report = try await Self.verify(db, notes: [checkpoint.note], keys: [verifierKey])
            #expect(report.firstProblem?.code == "entry_hash_mismatch", "\(Self.describe(report))")
            #expect(report.firstProblem?.position == 7)
        }
    }
}
