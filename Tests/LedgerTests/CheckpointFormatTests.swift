import Foundation
import Testing

@testable import Ledger

/// C2SP signed-note and tlog-checkpoint formats.
///
/// The PeterNeumann key, text and signature are the example of golang.org/x/mod/sumdb/note (the
/// reference implementation of signed notes, whose tests other implementations share). Ed25519
/// is deterministic, so signing the same text with the same key must give the same bytes.
@Suite("Checkpoint and signed-note formats")
struct CheckpointFormatTests {
    static let goVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    /// `PRIVATE+KEY+PeterNeumann+c74f20a3+` followed by base64(0x01 ‖ seed).
    static let goSignerKeyMaterial = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let goText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let goNote = goText + "\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"

    static func goSigner() throws -> NoteSigningKey {
        let material = try #require(Data(base64Encoded: goSignerKeyMaterial))
        #expect(material.first == 0x01)
        return try NoteSigningKey(seed: Array(material.dropFirst()))
    }

    @Test("the Go reference note verifies with its published key, and a changed byte does not")
    func goNoteVerifies() throws {
        let key = try NoteVerifierKey(parsing: Self.goVerifierKey)
        #expect(key.name == "PeterNeumann")
        #expect(key.keyID == 0xc74f20a3)
        #expect(key.description == Self.goVerifierKey)
        let note = try SignedNote(parsing: Self.goNote)
        #expect(note.text == Self.goText)
        #expect(key.verifies(note))
        let altered = try SignedNote(parsing: Self.goNote.replacingOccurrences(of: "cryptography", with: "cryptographY"))
        #expect(!key.verifies(altered))
    }

    @Test("signing the Go text with the Go key reproduces the published note byte for byte")
    func signingReproducesGoNote() throws {
        let signer = try Self.goSigner()
        #expect(try signer.verifierKey(name: "PeterNeumann").description == Self.goVerifierKey)
        #expect(try signer.signNote(Self.goText, name: "PeterNeumann").rendered == Self.goNote)
    }

    @Test(
        "verifier keys with a wrong key ID, type, length or name are refused",
        arguments: [
            "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "PeterNeumann+c74f20a3+AhpjZHFBwwUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",
            "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "PeterNeumann+c74f20a3",
            "",
        ])
    func badVerifierKeys(_ text: String) {
        #expect(throws: CheckpointError.self) { try NoteVerifierKey(parsing: text) }
    }

    @Test("a checkpoint body renders in the tlog-checkpoint form and parses back")
    func checkpointRoundTrip() throws {
        let root = LedgerDigest.sha256(Array("root".utf8))
        let head = LedgerDigest.sha256(Array("head".utf8))
        let checkpoint = Checkpoint(
            origin: "records.example.gov/ledgers/agency-main", treeSize: 6, rootHash: root, chainHead: head, createdAt: 1_764_088_800)
        let expected = """
            records.example.gov/ledgers/agency-main
            6
            \(Data(root.bytes).base64EncodedString())
            recordkeeper-chain-head \(head.hex)
            recordkeeper-created 2025-11-25T16:40:00Z

            """
        #expect(checkpoint.body == expected)
        #expect(try Checkpoint(parsingBody: checkpoint.body) == checkpoint)
    }

    @Test(
        "malformed checkpoint bodies are refused",
        arguments: [
            "origin\n06\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
            "origin\n6\nAAAA\n",
            "origin\n6\n",
            "origin\n6\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "origin\r\n6\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
            "origin\n6\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nrecordkeeper-chain-head 1234\n",
            "\n6\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        ])
    func malformedBodies(_ body: String) {
        #expect(throws: CheckpointError.self) { try Checkpoint(parsingBody: body) }
    }

    @Test("unknown extension lines are kept; notes without signatures or blank line are refused")
    func extensionsAndNotes() throws {
        let body = "o/ledgers/x\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nwitness-hint abc\n"
        let checkpoint = try Checkpoint(parsingBody: body)
        #expect(checkpoint.otherExtensionLines == ["witness-hint abc"])
        #expect(checkpoint.rootHash == MerkleHash.emptyRoot)
        #expect(checkpoint.body == body)
        #expect(throws: CheckpointError.self) { try SignedNote(parsing: body) }
        #expect(throws: CheckpointError.self) { try SignedNote(parsing: body + "\n") }
        #expect(throws: CheckpointError.self) { try SignedNote(parsing: body + "\n- o/ledgers/x AAAAAAAA\n") }
    }

    @Test("a note signed by two keys verifies with either; a key under another name does not")
    func cosignedNote() throws {
        let log = NoteSigningKey.generate()
        let witness = NoteSigningKey.generate()
        let text = Checkpoint(origin: "log.example/ledgers/a", treeSize: 1, rootHash: .genesis, chainHead: nil, createdAt: nil).body
        var note = try log.signNote(text, name: "log.example/ledgers/a")
        note.signatures.append(try witness.sign(text, name: "witness.example"))
        let reparsed = try SignedNote(parsing: note.rendered)
        #expect(reparsed == note)
        #expect(try log.verifierKey(name: "log.example/ledgers/a").verifies(reparsed))
        #expect(try witness.verifierKey(name: "witness.example").verifies(reparsed))
        #expect(try !log.verifierKey(name: "log.example/ledgers/b").verifies(reparsed))
    }

    @Test("the audit names each kind of checkpoint failure")
    func audit() throws {
        let key = NoteSigningKey.generate()
        let other = NoteSigningKey.generate()
        let origin = "log.example/ledgers/a"
        let leaves = (0..<5).map { MerkleHash.leaf(entryHash: LedgerDigest.sha256([UInt8($0)])) }
        func note(size: Int, root: LedgerDigest? = nil, origin: String = origin, by signer: NoteSigningKey? = nil) throws -> String {
            let body = Checkpoint(
                origin: origin, treeSize: UInt64(size), rootHash: root ?? MerkleTree.root(of: leaves[0..<size]),
                chainHead: nil, createdAt: 1
            ).body
            return try (signer ?? key).signNote(body, name: origin).rendered
        }
        var audit = CheckpointAudit(
            ledger: "a", logName: "log.example",
            notes: [
                ("good", try note(size: 3)),
                ("rewritten", try note(size: 4, root: .genesis)),
                ("truncated", try note(size: 9, root: .genesis)),
                ("forged", try note(size: 3, by: other)),
                ("elsewhere", try note(size: 3, origin: "other.example/ledgers/a")),
                ("garbage", "not a note"),
            ],
            trustedKeys: [try key.verifierKey(name: origin), try key.verifierKey(name: "other.example/ledgers/a")])
        var range = CompactRange()
        for (i, leaf) in leaves.enumerated() {
            range.append(leaf)
            if audit.isPending(range.size) {
                audit.check(treeSize: range.size, root: range.root, chainHead: LedgerDigest.sha256([UInt8(i)]))
            }
        }
        audit.finish(ledgerLength: 5)
        let outcome = Dictionary(uniqueKeysWithValues: audit.results.map { ($0.source, ($0.failure, $0.position)) })
        #expect(outcome["good"]! == (nil, nil))
        #expect(outcome["rewritten"]! == (.rootMismatch, 4))
        #expect(outcome["truncated"]! == (.beyondHead, 6))
        #expect(outcome["forged"]! == (.signatureInvalid, nil))
        #expect(outcome["elsewhere"]! == (.originMismatch, nil))
        #expect(outcome["garbage"]! == (.signatureInvalid, nil))
        #expect(audit.firstFailure?.source == "rewritten")
    }
}
