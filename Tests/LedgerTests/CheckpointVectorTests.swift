import Foundation
import Testing

@testable import Ledger

/// The `checkpoints` section of docs/test-vectors.json (docs/ledger-format.md sections 11–13).
struct CheckpointVectors: Decodable, Sendable {
    struct Item: Decodable, Sendable {
        struct Expected: Decodable, Sendable {
            var rootHash: String
            var rootHashBase64: String
            var chainHead: String
            var body: String
            var signature: String
            var note: String
        }
        var treeSize: UInt64
        var createdAt: Int64
        var expected: Expected
    }
    struct Inclusion: Decodable, Sendable {
        var position: UInt64
        var treeSize: UInt64
        var proof: [String]
    }
    struct Consistency: Decodable, Sendable {
        var fromSize: UInt64
        var toSize: UInt64
        var proof: [String]
    }
    var ledger: String
    var logName: String
    var origin: String
    var signingKeySeed: String
    var publicKey: String
    var keyId: String
    var verifierKey: String
    var checkpoints: [Item]
    var inclusionProofs: [Inclusion]
    var consistencyProofs: [Consistency]
}

@Suite("Checkpoint test vectors")
struct CheckpointVectorTests {
    static func load() throws -> (CheckpointVectors, [LedgerDigest]) {
        let file = try VectorFile.load()
        let chain = try file.entries.filter { $0.chain == file.checkpoints.ledger }.map { try LedgerDigest(hex: $0.expected.entryHash) }
        return (file.checkpoints, chain)
    }

    @Test("checkpoints of the agency-main chain: bodies, roots, signatures and notes are reproduced")
    func checkpoints() throws {
        let (vectors, chain) = try Self.load()
        #expect(chain.count == 6)
        let signer = try NoteSigningKey(seed: try #require(Hex.decode(vectors.signingKeySeed)))
        #expect(Hex.encode(signer.publicKey) == vectors.publicKey)
        let origin = CheckpointOrigin.origin(logName: vectors.logName, ledger: vectors.ledger)
        #expect(origin == vectors.origin)
        let verifier = try signer.verifierKey(name: origin)
        #expect(verifier.description == vectors.verifierKey)
        #expect(String(format: "%08x", verifier.keyID) == vectors.keyId)
        var tree = CompactRange()
        for item in vectors.checkpoints {
            while tree.size < item.treeSize { tree.append(MerkleHash.leaf(entryHash: chain[Int(tree.size)])) }
            #expect(tree.root.hex == item.expected.rootHash, "size \(item.treeSize)")
            let head = item.treeSize == 0 ? LedgerDigest.genesis : chain[Int(item.treeSize) - 1]
            #expect(head.hex == item.expected.chainHead)
            let checkpoint = Checkpoint(origin: origin, treeSize: item.treeSize, rootHash: tree.root, chainHead: head, createdAt: item.createdAt)
            #expect(checkpoint.body == item.expected.body)
            let note = try signer.signNote(checkpoint.body, name: origin)
            #expect(note.rendered == item.expected.note)
            #expect(Hex.encode(note.signatures[0].signature) == item.expected.signature)
            let parsed = try SignedNote(parsing: item.expected.note)
            #expect(verifier.verifies(parsed))
            #expect(try Checkpoint(parsingBody: parsed.text) == checkpoint)
        }
    }

    @Test("every inclusion and consistency proof over the chain verifies, and the ranges reproduce it")
    func proofs() throws {
        let (vectors, chain) = try Self.load()
        let leaves = chain.map { MerkleHash.leaf(entryHash: $0) }
        func hash(_ subtree: MerkleSubtree) -> LedgerDigest {
            MerkleTree.root(of: leaves[Int(subtree.firstLeaf)..<Int(subtree.firstLeaf + subtree.leafCount)])
        }
        #expect(vectors.inclusionProofs.count == 21)
        for vector in vectors.inclusionProofs {
            let proof = try vector.proof.map { try LedgerDigest(hex: $0) }
            let ranges = MerkleRanges.inclusionPath(index: vector.position - 1, size: vector.treeSize)
            #expect(ranges.map { MerkleRanges.root(of: $0, subtreeHash: hash) } == proof)
            #expect(
                MerkleVerifier.verifyInclusion(
                    leafHash: leaves[Int(vector.position) - 1], index: vector.position - 1, treeSize: vector.treeSize, proof: proof,
                    root: MerkleTree.root(of: leaves[0..<Int(vector.treeSize)])))
        }
        #expect(vectors.consistencyProofs.count == 28)
        for vector in vectors.consistencyProofs {
            let proof = try vector.proof.map { try LedgerDigest(hex: $0) }
            let ranges = MerkleRanges.consistencyPath(oldSize: vector.fromSize, newSize: vector.toSize)
            #expect(ranges.map { MerkleRanges.root(of: $0, subtreeHash: hash) } == proof)
            #expect(
                MerkleVerifier.verifyConsistency(
                    oldSize: vector.fromSize, newSize: vector.toSize,
                    oldRoot: MerkleTree.root(of: leaves[0..<Int(vector.fromSize)]),
                    newRoot: MerkleTree.root(of: leaves[0..<Int(vector.toSize)]), proof: proof))
        }
    }
}
