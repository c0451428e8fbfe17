import Foundation
import Ledger
import TestSupport
import Testing

@testable import LedgerStore

/// docs/ledger-format.md section 1: upper-case hex MUST be accepted when parsing, so a signed
/// checkpoint whose chain-head line is upper case verifies like the lower-case one.
@Suite("Checkpoint format: what the document says a verifier accepts")
struct CheckpointFormatAgreementTests {
    @Test("a chain-head line in upper-case hex parses to the same digest")
    func upperCaseChainHeadParses() throws {
        let head = LedgerDigest.sha256(Array("entry".utf8))
        let checkpoint = Checkpoint(
            origin: "records.example.test/ledgers/t", treeSize: 1, rootHash: MerkleHash.leaf(entryHash: head), chainHead: head, createdAt: 0)
        let upper = checkpoint.body.replacingOccurrences(of: head.hex, with: head.hex.uppercased())
        #expect(upper != checkpoint.body)
        let parsed = try Checkpoint(parsingBody: upper)
        #expect(parsed.chainHead == head)
        #expect(parsed.rootHash == checkpoint.rootHash)
    }

    @Test("verify holds the ledger to a signed checkpoint whose chain head is upper-case hex")
    func upperCaseChainHeadVerifies() async throws {
        try await withMigratedDatabase { db in
            try await TamperTests.seed(db)
            try await db.withStore { _, store in
                let ledger = try await store.ledger(named: "t", create: false)
                let head = try await store.head(of: ledger)
                let origin = CheckpointOrigin.origin(logName: TreeTestSupport.logName, ledger: "t")
                let checkpoint = Checkpoint(
                    origin: origin, treeSize: UInt64(head.position), rootHash: try await store.treeRoot(ledger: "t", size: head.position),
                    chainHead: head.hash, createdAt: 1_764_072_000)
                let body = checkpoint.body.replacingOccurrences(of: head.hash.hex, with: head.hash.hex.uppercased())
                let key = NoteSigningKey.generate()
                let note = try key.signNote(body, name: origin).rendered
                let report = try await store.verify(
                    ledger: "t",
                    trust: CheckpointTrust(
                        notes: [(source: "upper.checkpoint", note: note)], trustedKeys: [try key.verifierKey(name: origin)],
                        logName: TreeTestSupport.logName, includeStored: false))
                let result = try #require(report.checkpoints.first)
                #expect(result.verified == true, "\(result.reason)")
                #expect(result.failure == nil, "\(result.reason)")
                #expect(report.ok)
            }
        }
    }

    @Test("the proof JSON of section 13 has exactly the members recordkeeper prints")
    func proofJSONMatchesTheDocument() async throws {
        let document = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("docs/ledger-format.md"),
            encoding: .utf8)
        let section = try #require(document.range(of: "## 13. Proofs (JSON)").map { document[$0.upperBound...] })
        let end = section.range(of: "\n## 14.")?.lowerBound ?? section.endIndex
        let examples = section[..<end].components(separatedBy: "```json\n").dropFirst().map { String($0.components(separatedBy: "```")[0]) }
        try #require(examples.count == 2, "section 13 shows an inclusion and a consistency proof")
        @Sendable func members(_ json: String) throws -> Set<String> {
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            return Set(try #require(object).keys)
        }
        try await withMigratedDatabase { db in
            try await TamperTests.seed(db)
            try await db.withStore { _, store in
                let inclusion = try await store.inclusionProof(ledger: "t", position: 5, treeSize: 20)
                let consistency = try await store.consistencyProof(ledger: "t", from: 3, to: 20)
                #expect(try members(examples[0]) == members(String(decoding: try JSONEncoder().encode(inclusion), as: UTF8.self)))
                #expect(try members(examples[1]) == members(String(decoding: try JSONEncoder().encode(consistency), as: UTF8.self)))
            }
        }
    }
}
