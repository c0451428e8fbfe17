import Crypto
public import Foundation
import Ledger

/// Verifies an export bundle offline, without a database (docs/export-format.md section 6):
/// every file's size and SHA-256 against `manifest.json` (a file missing, extra or changed is
/// named), the checkpoint's signature, every message's entry hash re-encoded from the manifest and
/// its inclusion proof against the checkpoint root, every released payload against its
/// commitment, and that `messages.jsonl` agrees with the manifest. Redacted and withheld messages
/// are proven to exist (their entries are in the log) without their payloads.
///
/// The bundle is read once, as a stream (``BundleScan``): files are hashed as they pass, the
/// released payloads and the lines of `messages.jsonl` are kept, and `manifest.json` is split
/// into its message records as it arrives, which other cores parse meanwhile. The per-message
/// checks then run on every core. Memory grows with the number of messages (their records,
/// payloads and lines), never with the size of media or other files.
public enum ExportVerifier {
    /// Verifies the bundle at `bundle`.
    /// - Parameter trustedKeys: verifier keys (section 12.4 lines) obtained from the agency by
    ///   another channel; when nil, the keys in the bundle's `checkpoint.pub` are used, which
    ///   proves the bundle is consistent but not who signed it.
    /// - Returns: the report; problems in the bundle are in it, never thrown.
    public static func verify(bundle: URL, trustedKeys: [String]? = nil) -> ExportVerificationReport {
        var report = ExportVerificationReport()
        var scan = BundleScan()
        do {
            try TarStreamReader(url: bundle).read(member: { scan.begin($0, $1) }, data: { scan.data($0) }, end: { scan.end() })
        } catch {
            _ = scan.finish()
            report.add("bundle_unreadable", "bundle", "\(error); it cannot be verified: obtain the bundle again")
            return report
        }
        let contents = scan.finish()
        guard contents.sawManifest else {
            report.add("manifest_missing", "manifest.json", "the bundle has no manifest.json: nothing in it can be checked")
            return report
        }
        guard let manifest = contents.manifest else {
            report.add(
                "manifest_malformed", "manifest.json",
                "manifest.json is not JSON or lacks a member docs/export-format.md section 5 requires: the bundle cannot be checked")
            return report
        }
        guard manifest.format == ExportFormat.name, manifest.formatVersion == ExportFormat.version else {
            report.add(
                "manifest_malformed", "manifest.json",
                "manifest.json is format \(manifest.format) version \(manifest.formatVersion); this verifier reads \(ExportFormat.name) version \(ExportFormat.version)"
            )
            return report
        }
        report.ledger = manifest.ledger
        report.checkpointSize = manifest.checkpoint.treeSize
        report.manifestSHA256 = contents.manifestSHA256
        report.transferList = manifest.transfer?.list
        BundleCheck(manifest: manifest, contents: contents).conclude(into: &report, trustedKeys: trustedKeys)
        TransferMember.check(manifest, into: &report)
        return report
    }
}

/// The checks of a bundle once it is read: files against the manifest, the checkpoint, and every
/// message (payload, entry, proof, line) in chunks on every core.
private struct BundleCheck {
    let manifest: ExportManifest
    let contents: BundleContents
    /// The index in the manifest of the message each payload file belongs to.
    let messagesByPayload: [String: Int]
    /// The lines of messages.jsonl by position.
    var lines: [Int64: CheckedLine] = [:]

    init(manifest: ExportManifest, contents: BundleContents) {
        self.manifest = manifest
        self.contents = contents
        var messagesByPayload: [String: Int] = [:]
        for (index, message) in manifest.messages.enumerated() {
            if let file = message.payloadFile { messagesByPayload[file] = index }
        }
        self.messagesByPayload = messagesByPayload
    }

    func conclude(into report: inout ExportVerificationReport, trustedKeys: [String]?) {
        var check = self
        report.files = contents.memberCount
        check.checkFiles(into: &report)
        let lineOrder = check.indexLines(into: &report)
        let root = check.checkpointRoot(into: &report, trustedKeys: trustedKeys)
        var positions: Set<Int64> = []
        positions.reserveCapacity(manifest.messages.count)
        for message in manifest.messages where !positions.insert(message.position).inserted {
            report.add("message_duplicated", "position \(message.position)", "manifest.json lists position \(message.position) twice")
        }
        for part in check.checkMessages(root: root) {
            report.released += part.released
            report.redacted += part.redacted
            report.withheld += part.withheld
            report.problems += part.problems
        }
        for position in lineOrder where !positions.contains(position) {
            report.add(
                "message_not_in_manifest", "position \(position)",
                "messages.jsonl has a message at position \(position) that manifest.json does not prove: it was added or the manifest altered")
        }
    }

    /// Every file but the released payloads against the manifest's list: changed, extra, repeated or missing.
    func checkFiles(into report: inout ExportVerificationReport) {
        var filesByPath: [String: ExportManifest.FileRecord] = [:]
        for file in manifest.files { filesByPath[file.path] = file }
        var members = contents.members
        for (path, bytes) in contents.payloads where messagesByPayload[path] == nil {
            members.append(.init(path: path, size: UInt64(bytes?.count ?? -1), sha256: bytes.map { Hex.encode(SHA256.hash(data: $0)) } ?? ""))
        }
        var seen: Set<String> = []
        for member in members {
            guard let record = filesByPath[member.path] else {
                report.add("file_extra", member.path, "\(member.path) is in the bundle but not in manifest.json: it was added after the export")
                continue
            }
            if !seen.insert(member.path).inserted {
                report.add("file_duplicated", member.path, "\(member.path) appears twice in the bundle")
            }
            if record.size != member.size || record.sha256.lowercased() != member.sha256 {
                report.add("file_changed", member.path, "\(member.path) differs from what manifest.json records (size or SHA-256): it was altered")
            }
        }
        for file in manifest.files where !seen.contains(file.path) {
            report.add("file_missing", file.path, "\(file.path) is listed in manifest.json but is not in the bundle")
        }
    }

    /// Indexes the lines of messages.jsonl by position (a malformed or repeated line is named) and
    /// returns their positions in file order.
    mutating func indexLines(into report: inout ExportVerificationReport) -> [Int64] {
        var order: [Int64] = []
        order.reserveCapacity(contents.lines.count)
        lines.reserveCapacity(contents.lines.count)
        for line in contents.lines {
            guard let line else {
                report.add("messages_jsonl_malformed", "messages.jsonl", "a line of messages.jsonl is not a message object: the file was altered")
                continue
            }
            if lines[line.position] != nil {
                report.add("message_duplicated", "position \(line.position)", "messages.jsonl lists position \(line.position) twice")
            }
            lines[line.position] = line
            order.append(line.position)
        }
        return order
    }

    /// The signed checkpoint's root, when its signature holds and it is the one the manifest names.
    func checkpointRoot(into report: inout ExportVerificationReport, trustedKeys: [String]?) -> LedgerDigest? {
        let keyLines = trustedKeys ?? (contents.keysText ?? "").split(separator: "\n").map(String.init)
        guard let checkpointText = contents.checkpointText else {
            report.add("checkpoint_invalid", "checkpoint.txt", "the bundle has no checkpoint.txt: no message can be proven")
            return nil
        }
        do {
            let trusted = try TrustedCheckpoint(signedNote: checkpointText, verifierKeys: keyLines, ledger: manifest.ledger)
            if trusted.checkpoint.treeSize != manifest.checkpoint.treeSize || trusted.checkpoint.rootHash.hex != manifest.checkpoint.rootHash.lowercased() {
                report.add("checkpoint_mismatch", "checkpoint.txt", "manifest.json names another tree size or root than the signed checkpoint")
            }
            return trusted.checkpoint.rootHash
        } catch {
            report.add("checkpoint_invalid", "checkpoint.txt", "\(error)")
            return nil
        }
    }

    /// The checks of every message (state, payload, entry, proof, line), in chunks run
    /// concurrently; the chunks' reports in manifest order.
    func checkMessages(root: LedgerDigest?) -> [ExportVerificationReport] {
        let messages = manifest.messages
        let chunkSize = 2048
        let chunks = (messages.count + chunkSize - 1) / chunkSize
        return parallelMap(count: chunks, chunkSize: 1) { chunk in
            var part = ExportVerificationReport()
            for message in messages[(chunk * chunkSize)..<min(messages.count, (chunk + 1) * chunkSize)] {
                switch message.state {
                case "released": part.released += 1
                case "redacted": part.redacted += 1
                case "withheld": part.withheld += 1
                default:
                    part.add(
                        "manifest_malformed", "position \(message.position)", "its state \(message.state) is not released, redacted or withheld")
                }
                let payloadText = checkPayload(message, into: &part)
                checkEntry(message, root: root, into: &part)
                checkLine(message, payloadText: payloadText, into: &part)
            }
            return part
        }
    }

    /// Checks the message's payload file (and any copy of it) against its commitment; returns
    /// the released text its pointer designates when it matches (`.some(nil)`: the pointer leads
    /// to no string), nil when there is nothing to compare.
    func checkPayload(_ message: ExportManifest.MessageRecord, into report: inout ExportVerificationReport) -> String?? {
        guard let file = message.payloadFile, messagesByPayload[file].map({ manifest.messages[$0].position }) == message.position,
            let kept = contents.payloads[file]
        else { return nil }
        var copies = [kept]
        for copy in contents.payloadCopies where copy.path == file { copies.append(copy.bytes) }
        var text: String??
        for bytes in copies {
            var salted = SHA256()
            if let salt = message.salt.flatMap(Hex.decode) { salted.update(data: salt) }
            guard let bytes else {
                report.add(
                    "payload_commitment_mismatch", "position \(message.position)",
                    "the released payload \(file) is larger than any ledger payload (64 MiB): it was altered")
                continue
            }
            salted.update(data: bytes)
            if Hex.encode(salted.finalize()) != message.entry.payloadCommitment.lowercased() {
                report.add(
                    "payload_commitment_mismatch", "position \(message.position)",
                    "the released payload \(file) and its salt do not give the entry's commitment: the payload was altered")
            } else if let pointer = message.textPointer {
                text = .some(JSONPointer.string(at: pointer, in: bytes))
            }
        }
        return text
    }

    /// Whether the entry re-hashes to its recorded hash, and whether its proof leads to `root`.
    static func proofCheck(
        _ message: ExportManifest.MessageRecord, fields: EntryFields, previous: LedgerDigest, root: LedgerDigest?, treeSize: UInt64
    ) -> (Bool, Bool) {
        let entryHash = EntryEncoding.entryHash(fields, previousHash: previous)
        let hashMatches = entryHash.hex == message.entryHash.lowercased()
        guard let root else { return (hashMatches, false) }
        let proof = message.proof.compactMap { try? LedgerDigest(hex: $0) }
        let included =
            proof.count == message.proof.count
            && MerkleVerifier.verifyInclusion(
                leafHash: MerkleHash.leaf(entryHash: entryHash), index: message.leafIndex, treeSize: treeSize, proof: proof, root: root)
        return (hashMatches, included)
    }

    func checkEntry(_ message: ExportManifest.MessageRecord, root: LedgerDigest?, into report: inout ExportVerificationReport) {
        let subject = "position \(message.position)"
        guard let (fields, previous) = message.entry.decoded(), message.entry.position == message.position,
            message.entry.ledger == manifest.ledger, message.position >= 1, message.leafIndex == UInt64(message.position - 1)
        else {
            report.add("manifest_malformed", subject, "its entry fields are malformed or name another ledger or position")
            return
        }
        let (hashMatches, included) = Self.proofCheck(message, fields: fields, previous: previous, root: root, treeSize: manifest.checkpoint.treeSize)
        if !hashMatches {
            report.add("entry_hash_mismatch", subject, "its entry fields do not hash to the entry hash the manifest records: they were altered")
        }
        if root != nil {
            if !included {
                report.add(
                    "proof_invalid", subject,
                    "its entry and inclusion proof do not give the signed checkpoint's root: the entry or the proof was altered")
            }
        }
        if message.state == "released" {
            if let file = message.payloadFile {
                if contents.payloads[file] == nil {
                    report.add("payload_missing", subject, "its released payload \(file) is not in the bundle")
                }
            } else {
                report.add("manifest_malformed", subject, "it is released but names no payload file")
            }
            if message.salt.flatMap(Hex.decode)?.count != 32 {
                report.add("manifest_malformed", subject, "it is released but its salt is not 32 bytes of hex")
            }
        } else if message.payloadFile != nil || message.salt != nil {
            report.add("manifest_malformed", subject, "it is \(message.state) but the manifest carries its payload or salt")
        }
    }

    func checkLine(_ message: ExportManifest.MessageRecord, payloadText: String??, into report: inout ExportVerificationReport) {
        let subject = "position \(message.position)"
        guard let line = lines[message.position] else {
            report.add("message_missing", subject, "manifest.json proves a message at position \(message.position) that messages.jsonl leaves out")
            return
        }
        let time = LedgerTimestamp(microseconds: message.entry.occurredAtUs).description
        if !same(line.recordId, message.recordId) || !same(line.conversation, message.conversation) || !same(line.state, message.state)
            || !same(line.time, time)
        {
            report.add("message_mismatch", subject, "messages.jsonl and manifest.json disagree on its record id, conversation, state or time")
        }
        if message.state == "withheld" && line.text != nil {
            report.add("message_mismatch", subject, "it is withheld but messages.jsonl shows a text")
        }
        if message.state == "released", let payloadText, payloadText == nil || !same(payloadText, line.text) {
            report.add("text_mismatch", subject, "its text in messages.jsonl is not the text of its released payload: the text was altered")
        }
    }
}

/// Text equality as Unicode scalars (Swift's `==` on strings is canonical equivalence).
private func same(_ a: String?, _ b: String?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return a.unicodeScalars.elementsEqual(b.unicodeScalars)
}
