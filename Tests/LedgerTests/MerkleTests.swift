import Testing

@testable import Ledger

// RFC 9162 Merkle tree tests.
//
// Reference vectors: the Certificate Transparency (RFC 6962) test data, as published in
// transparency-dev/merkle `proof/verify_test.go` (the `leaves`, `roots`, `inclusionProofs` and
// `consistencyProofs` tables; inherited from google/trillian and google/certificate-transparency).
// There the inclusion vectors' leaf numbers are 1-based; below they are converted to 0-based
// indices. Every constant here was also recomputed independently with a recursive Python
// implementation of RFC 9162 §2.1 (hashlib), which agreed on all of them. The `big*` constants
// (64 leaves whose inputs are the single bytes 0x00…0x3f) come from that Python script only.

private func d(_ hex: String) -> LedgerDigest {
    try! LedgerDigest(hex: hex)
}

private let ctLeafInputs: [[UInt8]] = [
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
].map { Hex.decode($0)! }

private let ctLeafHashes: [LedgerDigest] = ctLeafInputs.map { MerkleHash.leaf($0) }

/// `ctRoots[n]` is the root of the tree of the first `n` reference leaves.
private let ctRoots: [LedgerDigest] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
].map(d)

private struct InclusionVector: Sendable, CustomStringConvertible {
    var index: UInt64
    var size: UInt64
    var proof: [LedgerDigest]
    var description: String { "leaf \(index) of \(size)" }
}

private struct ConsistencyVector: Sendable, CustomStringConvertible {
    var old: UInt64
    var new: UInt64
    var proof: [LedgerDigest]
    var description: String { "\(old) -> \(new)" }
}

private let ctInclusion: [InclusionVector] = [
    InclusionVector(index: 0, size: 1, proof: []),
    InclusionVector(
        index: 0, size: 8,
        proof: [
            d("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            d("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            d("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ]),
    InclusionVector(
        index: 5, size: 8,
        proof: [
            d("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            d("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            d("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ]),
    InclusionVector(
        index: 2, size: 3,
        proof: [
            d("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")
        ]),
    InclusionVector(
        index: 1, size: 5,
        proof: [
            d("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            d("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            d("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ]),
]

private let ctConsistency: [ConsistencyVector] = [
    ConsistencyVector(old: 1, new: 1, proof: []),
    ConsistencyVector(
        old: 1, new: 8,
        proof: [
            d("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            d("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            d("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ]),
    ConsistencyVector(
        old: 6, new: 8,
        proof: [
            d("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            d("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            d("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ]),
    ConsistencyVector(
        old: 2, new: 5,
        proof: [
            d("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            d("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ]),
    ConsistencyVector(
        old: 6, new: 7,
        proof: [
            d("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            d("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            d("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ]),
]

/// 64 leaves whose inputs are the single bytes 0x00 … 0x3f.
private let bigLeafHashes: [LedgerDigest] = (0..<64).map { MerkleHash.leaf([UInt8($0)]) }

/// A digest that is no root or node of any tree here.
private let someHash = d("abacaba000000000000000000000000000000000000000000060061e00123456")

private func flipped(_ digest: LedgerDigest, byte: Int, mask: UInt8) -> LedgerDigest {
    var bytes = digest.bytes
    bytes[byte] ^= mask
    return try! LedgerDigest(bytes: bytes)
}

@Suite("MerkleTests: hashing and reference vectors")
struct MerkleTests {
    @Test func hashPrimitives() throws {
        #expect(MerkleHash.emptyRoot == ctRoots[0])
        // Leaf hash of the empty input is SHA-256(0x00); node hash is SHA-256(0x01 ‖ l ‖ r).
        #expect(MerkleHash.leaf([]) == LedgerDigest.sha256([UInt8(0)]))
        let l = ctLeafHashes[0]
        let r = ctLeafHashes[1]
        #expect(MerkleHash.node(l, r) == LedgerDigest.sha256([UInt8(1)] + l.bytes + r.bytes))
        #expect(MerkleHash.leaf(entryHash: r) == MerkleHash.leaf(r.bytes))
    }

    @Test func referenceRoots() {
        for n in 0...8 {
            #expect(MerkleTree.root(of: ctLeafHashes[0..<n]) == ctRoots[n], "size \(n)")
            var range = CompactRange()
            for leaf in ctLeafHashes[0..<n] { range.append(leaf) }
            #expect(range.root == ctRoots[n], "frontier size \(n)")
        }
        // A slice that does not start at index 0.
        #expect(MerkleTree.root(of: ctLeafHashes[1..<2]) == ctLeafHashes[1])
    }

    @Test(arguments: ctInclusion)
    fileprivate func referenceInclusion(_ v: InclusionVector) {
        #expect(MerkleTree.inclusionProof(index: v.index, size: v.size, leafHashes: ctLeafHashes) == v.proof)
        #expect(
            MerkleVerifier.verifyInclusion(
                leafHash: ctLeafHashes[Int(v.index)], index: v.index, treeSize: v.size, proof: v.proof,
                root: ctRoots[Int(v.size)]))
    }

    @Test(arguments: ctConsistency)
    fileprivate func referenceConsistency(_ v: ConsistencyVector) {
        #expect(MerkleTree.consistencyProof(from: v.old, to: v.new, leafHashes: ctLeafHashes) == v.proof)
        #expect(
            MerkleVerifier.verifyConsistency(
                oldSize: v.old, newSize: v.new, oldRoot: ctRoots[Int(v.old)], newRoot: ctRoots[Int(v.new)],
                proof: v.proof))
    }

    /// Larger trees, against values computed independently in Python only.
    @Test func pythonCrossCheck() {
        let roots: [Int: String] = [
            13: "df5ee130e5a247600d190c31074458de3c0dc58f0b0d8a6a2b3dd4fd7e569501",
            31: "18d47208b4a4140068c701c4bc8d831e19dd0f1f1124fd793c65ba08fbb61b2e",
            32: "e3cefa6fc4ca8482c126f391f261f8d6aa7921e763af8f2f838d75c3c4b9a5e3",
            33: "1ef78c0bde9f58143b0600eb015b6b7c76e89b6af0ca70d80be3c56e3289de97",
            64: "4433a69f32158463382405ec957c31b8bc89a1f08964b920f6cf53dc13098cb3",
        ]
        for (n, hex) in roots {
            #expect(MerkleTree.root(of: bigLeafHashes[0..<n]).hex == hex, "size \(n)")
        }
        let inclusion = [
            "a1f386a0ecb061b3c46a038616212779858ba7258b2eccb818a64986c97282da",
            "e80cc247985bb408a9484b6fd53b538c321cab413033bb288ba55747dfadb6ba",
            "4e2757c82865d7d2cc00fed50a28e94713285335d78cd6f31d3fe84f11ae0e66",
            "ef7f49b620f6c7ea9b963a214da34b5021c6ded8ed57734380a311ab726aa907",
            "966c1a68b254c49baf77fe4adc62d896472a96b35b180896b83431b03253e482",
            "474f2af47544e9c7ce4338cabd43c5ca1c26432b7300ce387406157ea433891f",
        ].map(d)
        #expect(MerkleTree.inclusionProof(index: 12, size: 33, leafHashes: bigLeafHashes) == inclusion)
        let consistency = [
            "fe251e4dd034dcf589c84794120c85d6015d65ca7d9a2c2ec73c9ecb5e33d83b",
            "a1f386a0ecb061b3c46a038616212779858ba7258b2eccb818a64986c97282da",
            "e80cc247985bb408a9484b6fd53b538c321cab413033bb288ba55747dfadb6ba",
            "4e2757c82865d7d2cc00fed50a28e94713285335d78cd6f31d3fe84f11ae0e66",
            "ef7f49b620f6c7ea9b963a214da34b5021c6ded8ed57734380a311ab726aa907",
            "966c1a68b254c49baf77fe4adc62d896472a96b35b180896b83431b03253e482",
            "3e8ee3f3acf76a70f8622ad12be995829e0a3a2d3afaf328659d0a51108611d7",
        ].map(d)
        #expect(MerkleTree.consistencyProof(from: 13, to: 64, leafHashes: bigLeafHashes) == consistency)
    }
}

@Suite("MerkleTests: exhaustive sizes 1…64")
struct MerkleExhaustiveMerkleTests {
    /// `roots[n]` = MTH of the first `n` big leaves.
    static let roots: [LedgerDigest] = (0...64).map { MerkleTree.root(of: bigLeafHashes[0..<$0]) }

    @Test func frontierMatchesRecursiveRoot() {
        var range = CompactRange()
        #expect(range.root == MerkleHash.emptyRoot)
        for n in 1...64 {
            range.append(bigLeafHashes[n - 1])
            #expect(range.size == UInt64(n))
            #expect(range.hashes.count == n.nonzeroBitCount)
            #expect(range.root == Self.roots[n], "size \(n)")
            // Persist and restore.
            let restored = CompactRange(size: range.size, hashes: range.hashes)
            #expect(restored == range)
        }
        #expect(CompactRange(size: 3, hashes: [someHash]) == nil)
        #expect(CompactRange(size: 0, hashes: [someHash]) == nil)
        #expect(CompactRange(size: 0, hashes: []) == CompactRange())
    }

    @Test func everyInclusionProofVerifies() throws {
        for n in UInt64(1)...64 {
            for i in 0..<n {
                let proof = try #require(MerkleTree.inclusionProof(index: i, size: n, leafHashes: bigLeafHashes))
                #expect(
                    MerkleVerifier.verifyInclusion(
                        leafHash: bigLeafHashes[Int(i)], index: i, treeSize: n, proof: proof, root: Self.roots[Int(n)]),
                    "leaf \(i) of \(n)")
            }
        }
    }

    @Test func everyConsistencyProofVerifies() throws {
        for n in UInt64(0)...64 {
            for m in 0...n {
                let proof = try #require(MerkleTree.consistencyProof(from: m, to: n, leafHashes: bigLeafHashes))
                #expect(
                    MerkleVerifier.verifyConsistency(
                        oldSize: m, newSize: n, oldRoot: Self.roots[Int(m)], newRoot: Self.roots[Int(n)], proof: proof),
                    "\(m) -> \(n)")
            }
        }
    }

    @Test func everyInclusionProofRejectsTampering() throws {
        let roots = Self.roots
        for n in UInt64(1)...64 {
            for i in 0..<n {
                let proof = try #require(MerkleTree.inclusionProof(index: i, size: n, leafHashes: bigLeafHashes))
                let leaf = bigLeafHashes[Int(i)]
                let root = roots[Int(n)]
                func rejects(
                    _ what: String, leaf l: LedgerDigest? = nil, index x: UInt64? = nil, size s: UInt64? = nil,
                    proof p: [LedgerDigest]? = nil, root r: LedgerDigest? = nil
                ) {
                    #expect(
                        !MerkleVerifier.verifyInclusion(
                            leafHash: l ?? leaf, index: x ?? i, treeSize: s ?? n, proof: p ?? proof, root: r ?? root),
                        "leaf \(i) of \(n): \(what)")
                }
                // Bytes spread over every proof element, and the leaf and the root.
                for k in proof.indices {
                    for byte in stride(from: 0, to: 32, by: 5) {
                        var p = proof
                        p[k] = flipped(p[k], byte: byte, mask: 0x01)
                        rejects("flipped proof[\(k)] byte \(byte)", proof: p)
                    }
                }
                rejects("flipped leaf", leaf: flipped(leaf, byte: 31, mask: 0x80))
                rejects("flipped root", root: flipped(root, byte: 0, mask: 0x08))
                rejects("other leaf", leaf: bigLeafHashes[Int((i + 1) % 64)])
                // Every other index in the same tree.
                for other in 0..<n where other != i { rejects("index \(other)", index: other) }
                rejects("index = size", index: n)
                rejects("index max", index: .max)
                // Every other size with that size's own root, and the out-of-range sizes.
                for other in UInt64(1)...64 where other != n && i < other {
                    rejects("size \(other)", size: other, root: roots[Int(other)])
                }
                rejects("size 0", size: 0)
                rejects("size max", size: .max)
                // Truncated, extended, reordered.
                if !proof.isEmpty {
                    rejects("truncated", proof: Array(proof.dropLast()))
                    rejects("first dropped", proof: Array(proof.dropFirst()))
                }
                rejects("extended with root", proof: proof + [root])
                rejects("extended with some hash", proof: proof + [someHash])
                rejects("preceded by root", proof: [root] + proof)
                rejects("preceded by leaf", proof: [leaf] + proof)
                if proof.count > 1 {
                    rejects("reversed", proof: proof.reversed())
                    rejects("inserted", proof: [proof[0], someHash] + proof.dropFirst())
                }
                rejects("very long", proof: proof + Array(repeating: someHash, count: 1000))
            }
        }
    }

    @Test func everyConsistencyProofRejectsTampering() throws {
        let roots = Self.roots
        for n in UInt64(2)...64 {
            for m in 1..<n {
                let proof = try #require(MerkleTree.consistencyProof(from: m, to: n, leafHashes: bigLeafHashes))
                let oldRoot = roots[Int(m)]
                let newRoot = roots[Int(n)]
                func rejects(
                    _ what: String, old o: UInt64? = nil, new s: UInt64? = nil, oldRoot r1: LedgerDigest? = nil,
                    newRoot r2: LedgerDigest? = nil, proof p: [LedgerDigest]? = nil
                ) {
                    #expect(
                        !MerkleVerifier.verifyConsistency(
                            oldSize: o ?? m, newSize: s ?? n, oldRoot: r1 ?? oldRoot, newRoot: r2 ?? newRoot,
                            proof: p ?? proof),
                        "\(m) -> \(n): \(what)")
                }
                for k in proof.indices {
                    for byte in stride(from: 0, to: 32, by: 7) {
                        var p = proof
                        p[k] = flipped(p[k], byte: byte, mask: 0x10)
                        rejects("flipped proof[\(k)] byte \(byte)", proof: p)
                    }
                }
                rejects("flipped old root", oldRoot: flipped(oldRoot, byte: 5, mask: 0x01))
                rejects("flipped new root", newRoot: flipped(newRoot, byte: 30, mask: 0x01))
                rejects("swapped roots", oldRoot: newRoot, newRoot: oldRoot)
                rejects("old root for both", newRoot: oldRoot)
                rejects("new root for both", oldRoot: newRoot)
                rejects("old > new", old: n, new: m, oldRoot: newRoot, newRoot: oldRoot)
                rejects("old > new, same roots", old: n, new: m)
                rejects("old 0", old: 0)
                rejects("old = new", old: n, oldRoot: newRoot)
                // Every other old size and new size, each with its own (correct) root.
                for other in UInt64(1)..<n where other != m {
                    rejects("old size \(other)", old: other, oldRoot: roots[Int(other)])
                }
                for other in (m + 1)...64 where other != n {
                    rejects("new size \(other)", new: other, newRoot: roots[Int(other)])
                }
                rejects("new size max", new: .max)
                rejects("empty proof", proof: [])
                rejects("truncated", proof: Array(proof.dropLast()))
                rejects("first dropped", proof: Array(proof.dropFirst()))
                rejects("extended with old root", proof: proof + [oldRoot])
                rejects("extended with new root", proof: proof + [newRoot])
                rejects("preceded by old root", proof: [oldRoot] + proof)
                rejects("preceded by new root", proof: [newRoot] + proof)
                rejects("preceded by proof[0]", proof: [proof[0]] + proof)
                if proof.count > 1 { rejects("reversed", proof: proof.reversed()) }
                rejects("very long", proof: proof + Array(repeating: someHash, count: 1000))
            }
        }
    }
}

@Suite("MerkleTests: edge cases")
struct MerkleEdgeCaseMerkleTests {
    @Test func inclusionEdgeCases() {
        let leaf = ctLeafHashes[3]
        // A one-leaf tree: the root is the leaf hash, the proof is empty.
        #expect(MerkleVerifier.verifyInclusion(leafHash: leaf, index: 0, treeSize: 1, proof: [], root: leaf))
        #expect(!MerkleVerifier.verifyInclusion(leafHash: leaf, index: 0, treeSize: 1, proof: [], root: someHash))
        #expect(!MerkleVerifier.verifyInclusion(leafHash: leaf, index: 0, treeSize: 1, proof: [leaf], root: leaf))
        // Index >= size, including the empty tree.
        for (index, size) in [(0, 0), (1, 0), (1, 1), (2, 1), (UInt64.max, UInt64.max), (UInt64.max, 0)] as [(UInt64, UInt64)] {
            #expect(
                !MerkleVerifier.verifyInclusion(
                    leafHash: leaf, index: index, treeSize: size, proof: [], root: MerkleHash.emptyRoot))
            #expect(!MerkleVerifier.verifyInclusion(leafHash: leaf, index: index, treeSize: size, proof: [], root: leaf))
        }
        // Huge trees: shapes that are fine, proofs that are not.
        #expect(
            !MerkleVerifier.verifyInclusion(
                leafHash: leaf, index: UInt64.max - 1, treeSize: .max, proof: Array(repeating: someHash, count: 64),
                root: someHash))
        #expect(
            !MerkleVerifier.verifyInclusion(
                leafHash: leaf, index: 0, treeSize: .max, proof: Array(repeating: someHash, count: 65), root: someHash))
        // Generator bounds.
        #expect(MerkleTree.inclusionProof(index: 8, size: 8, leafHashes: ctLeafHashes) == nil)
        #expect(MerkleTree.inclusionProof(index: 0, size: 9, leafHashes: ctLeafHashes) == nil)
        #expect(MerkleTree.inclusionProof(index: 0, size: 0, leafHashes: ctLeafHashes) == nil)
    }

    @Test func consistencyEdgeCases() {
        let empty = MerkleHash.emptyRoot
        // old == new: empty proof and equal roots.
        #expect(MerkleVerifier.verifyConsistency(oldSize: 0, newSize: 0, oldRoot: empty, newRoot: empty, proof: []))
        #expect(!MerkleVerifier.verifyConsistency(oldSize: 0, newSize: 0, oldRoot: someHash, newRoot: someHash, proof: []))
        #expect(!MerkleVerifier.verifyConsistency(oldSize: 0, newSize: 0, oldRoot: empty, newRoot: someHash, proof: []))
        #expect(!MerkleVerifier.verifyConsistency(oldSize: 0, newSize: 0, oldRoot: empty, newRoot: empty, proof: [empty]))
        for n in UInt64(1)...8 {
            let r = ctRoots[Int(n)]
            #expect(MerkleVerifier.verifyConsistency(oldSize: n, newSize: n, oldRoot: r, newRoot: r, proof: []))
            #expect(!MerkleVerifier.verifyConsistency(oldSize: n, newSize: n, oldRoot: r, newRoot: someHash, proof: []))
            #expect(!MerkleVerifier.verifyConsistency(oldSize: n, newSize: n, oldRoot: r, newRoot: r, proof: [r]))
            // old == 0: every tree extends the empty tree, with an empty proof and the empty root.
            #expect(MerkleVerifier.verifyConsistency(oldSize: 0, newSize: n, oldRoot: empty, newRoot: r, proof: []))
            #expect(!MerkleVerifier.verifyConsistency(oldSize: 0, newSize: n, oldRoot: someHash, newRoot: r, proof: []))
            #expect(!MerkleVerifier.verifyConsistency(oldSize: 0, newSize: n, oldRoot: empty, newRoot: r, proof: [empty]))
            // Time travel.
            #expect(!MerkleVerifier.verifyConsistency(oldSize: n, newSize: 0, oldRoot: r, newRoot: empty, proof: []))
            #expect(!MerkleVerifier.verifyConsistency(oldSize: n + 1, newSize: n, oldRoot: r, newRoot: r, proof: []))
        }
        // 0 < old < new with an empty proof.
        #expect(
            !MerkleVerifier.verifyConsistency(
                oldSize: 1, newSize: 2, oldRoot: ctRoots[1], newRoot: ctRoots[2], proof: []))
        // Extreme sizes never trap.
        let many = Array(repeating: someHash, count: 64)
        #expect(
            !MerkleVerifier.verifyConsistency(
                oldSize: .max - 1, newSize: .max, oldRoot: someHash, newRoot: someHash, proof: many))
        #expect(
            !MerkleVerifier.verifyConsistency(
                oldSize: 1 << 63, newSize: .max, oldRoot: someHash, newRoot: someHash, proof: many))
        #expect(
            !MerkleVerifier.verifyConsistency(
                oldSize: 1, newSize: .max, oldRoot: someHash, newRoot: someHash, proof: many + many))
        // Generator bounds.
        #expect(MerkleTree.consistencyProof(from: 5, to: 4, leafHashes: ctLeafHashes) == nil)
        #expect(MerkleTree.consistencyProof(from: 1, to: 9, leafHashes: ctLeafHashes) == nil)
        #expect(MerkleTree.consistencyProof(from: 0, to: 8, leafHashes: ctLeafHashes) == [])
        #expect(MerkleTree.consistencyProof(from: 8, to: 8, leafHashes: ctLeafHashes) == [])
    }

    /// The published transparency-dev probes for the reference vectors: wrong index (±1, ^2),
    /// doubled and halved size with the original root.
    @Test(arguments: ctInclusion.filter { !$0.proof.isEmpty })
    fileprivate func publishedInclusionProbes(_ v: InclusionVector) {
        let leaf = ctLeafHashes[Int(v.index)]
        let root = ctRoots[Int(v.size)]
        let probes: [(UInt64, UInt64)] = [
            (v.index &- 1, v.size), (v.index + 1, v.size), (v.index ^ 2, v.size),
            (v.index, v.size * 2), (v.index, v.size / 2),
        ]
        for (index, size) in probes {
            #expect(
                !MerkleVerifier.verifyInclusion(leafHash: leaf, index: index, treeSize: size, proof: v.proof, root: root),
                "\(v): index \(index) size \(size)")
        }
    }

    @Test(arguments: ctConsistency.filter { !$0.proof.isEmpty })
    fileprivate func publishedConsistencyProbes(_ v: ConsistencyVector) {
        let r1 = ctRoots[Int(v.old)]
        let r2 = ctRoots[Int(v.new)]
        let probes: [(UInt64, UInt64)] = [
            (v.old - 1, v.new), (v.old + 1, v.new), (v.old ^ 2, v.new), (v.old, v.new * 2), (v.old, v.new / 2),
        ]
        for (old, new) in probes {
            #expect(
                !MerkleVerifier.verifyConsistency(oldSize: old, newSize: new, oldRoot: r1, newRoot: r2, proof: v.proof),
                "\(v): \(old) -> \(new)")
        }
    }
}
