import ArgumentParser
import Foundation
import Ledger
import LedgerStore
import RecordkeeperRuntime

struct VerifyProof: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-proof",
        abstract: "Check an inclusion or consistency proof offline against signed checkpoints.",
        discussion: """
            Needs no database. An inclusion proof needs the checkpoint of its tree size; a \
            consistency proof needs the checkpoints of both sizes (none for size 0). Each checkpoint \
            must carry a valid signature by a --public-key. Exit status: 0 valid, 1 invalid, 2 could not run.
            """
    )

    @Option(help: "The proof JSON file (from `recordkeeper proof` or the HTTP API).")
    var proof: String

    @Option(help: "A signed checkpoint file (repeatable).")
    var checkpoint: [String] = []

    @Option(help: "A trusted verifier key NAME+KEYID+BASE64 (repeatable).")
    var publicKey: [String] = []

    @Option(help: "A file of trusted verifier keys, one per line (repeatable).")
    var publicKeyFile: [String] = []

    @Flag(help: "Print one JSON object: ok, type, tree_size or from_size/to_size, reason.")
    var json = false

    func run() async throws {
        let outcome: (ok: Bool, summary: [String: Any], reason: String)
        do {
            outcome = try check()
        } catch {
            if json { Output.json(["ok": false, "error": describeError(error)]) }
            Output.error("recordkeeper verify-proof: could not run: \(describeError(error))")
            throw ExitCode(2)
        }
        if json {
            var summary = outcome.summary
            summary["ok"] = outcome.ok
            summary["reason"] = outcome.reason
            Output.json(summary)
        } else {
            Output.line((outcome.ok ? "VALID    " : "INVALID  ") + outcome.reason)
        }
        if !outcome.ok { throw ExitCode(1) }
    }

    private func check() throws -> (ok: Bool, summary: [String: Any], reason: String) {
        let keys = try loadTrustedKeys(keys: publicKey, files: publicKeyFile)
        guard !keys.isEmpty else { throw CLIError("give at least one trusted key with --public-key or --public-key-file") }
        let data = Data(try readTextFile(proof, option: "--proof").utf8)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let type = object["type"] as? String else {
            throw CLIError("--proof \(proof): not a proof JSON object with a \"type\"")
        }
        var trusted: [UInt64: Checkpoint] = [:]
        for file in checkpoint {
            let text = try readTextFile(file, option: "--checkpoint")
            let note = try SignedNote(parsing: text)
            let body = try Checkpoint(parsingBody: note.text)
            guard keys.contains(where: { $0.name == body.origin && $0.verifies(note) }) else {
                return (
                    false, ["checkpoint": file],
                    "\(file): \(CheckpointError.noValidSignature(origin: body.origin, trusted: keys.filter { $0.name == body.origin }.map(\.description)))"
                )
            }
            trusted[body.treeSize] = body
        }
        let decoder = JSONDecoder()
        switch type {
        case "inclusion":
            let proof = try decoder.decode(InclusionProof.self, from: data)
            let summary: [String: Any] = ["type": type, "ledger": proof.ledger, "position": proof.position, "tree_size": proof.treeSize]
            guard let signed = trusted[UInt64(proof.treeSize)] else {
                throw CLIError("no --checkpoint of tree size \(proof.treeSize) was given")
            }
            guard CheckpointOrigin.ledger(fromOrigin: signed.origin) == proof.ledger else {
                return (false, summary, "the checkpoint is for \(signed.origin), the proof for ledger \(proof.ledger)")
            }
            guard proof.verifies(againstRoot: signed.rootHash) else {
                return (false, summary, "the proof does not lead from entry \(proof.position) to the signed root of tree size \(proof.treeSize)")
            }
            return (
                true, summary, "entry \(proof.position) (entry hash \(proof.entryHash)) is in the signed tree of size \(proof.treeSize) of \(signed.origin)"
            )
        case "consistency":
            let proof = try decoder.decode(ConsistencyProof.self, from: data)
            let summary: [String: Any] = ["type": type, "ledger": proof.ledger, "from_size": proof.fromSize, "to_size": proof.toSize]
            guard let new = trusted[UInt64(proof.toSize)] else { throw CLIError("no --checkpoint of tree size \(proof.toSize) was given") }
            let oldRoot: LedgerDigest
            if proof.fromSize == 0 {
                oldRoot = MerkleHash.emptyRoot
            } else if let old = trusted[UInt64(proof.fromSize)] {
                guard old.origin == new.origin else { return (false, summary, "the two checkpoints are of different logs") }
                oldRoot = old.rootHash
            } else {
                throw CLIError("no --checkpoint of tree size \(proof.fromSize) was given")
            }
            guard proof.verifies(oldRoot: oldRoot, newRoot: new.rootHash) else {
                return (false, summary, "the tree of size \(proof.toSize) does not provably extend the tree of size \(proof.fromSize)")
            }
            return (true, summary, "the signed tree of size \(proof.toSize) extends the signed tree of size \(proof.fromSize) of \(new.origin)")
        default:
            throw CLIError("--proof \(proof): unknown proof type \"\(type)\"")
        }
    }
}
