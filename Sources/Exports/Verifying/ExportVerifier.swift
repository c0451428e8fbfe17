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
/// The bundle is read twice as a stream (first for the manifest, the last member, then for
/// everything else); the manifest itself is held in memory.
public enum ExportVerifier {
    /// The largest `manifest.json` read (1 GiB).
    static let manifestLimit = 1 << 30

    /// Verifies the bundle at `bundle`.
    /// - Parameter trustedKeys: verifier keys (section 12.4 lines) obtained from the agency by
    ///   another channel; when nil, the keys in the bundle's `checkpoint.pub` are used, which
    ///   proves the bundle is consistent but not who signed it.
    /// - Returns: the report; problems in the bundle are in it, never thrown.
    public static func verify(bundle: URL, trustedKeys: [String]? = nil) -> ExportVerificationReport {
        var report = ExportVerificationReport()
        let reader = TarStreamReader(url: bundle)
        // Pass 1: the manifest.
        var manifestBytes: [UInt8]?
        var current: String?
        var collecting = false
        var buffer: [UInt8] = []
        var tooLarge = false
        do {
            try reader.read(
                member: { path, size in
                    current = path
                    collecting = path == "manifest.json"
                    tooLarge = collecting && size > UInt64(manifestLimit)
                    if collecting { buffer = [] }
                },
                data: { piece in if collecting && !tooLarge { buffer.append(contentsOf: piece) } },
                end: {
                    if current == "manifest.json" && !tooLarge { manifestBytes = buffer }
                    collecting = false
                })
        } catch {
            report.add("bundle_unreadable", "bundle", "\(error); it cannot be verified: obtain the bundle again")
            return report
        }
        guard let manifestBytes else {
            report.add("manifest_missing", "manifest.json", "the bundle has no manifest.json (or it is over 1 GiB): nothing in it can be checked")
            return report
        }
        guard let manifest = ManifestReader.manifest(manifestBytes) else {
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
        report.manifestSHA256 = Hex.encode(SHA256.hash(data: manifestBytes))
        report.transferList = manifest.transfer?.list
        var pass = SecondPass(manifest: manifest)
        do {
            try reader.read(member: { try pass.begin($0, $1) }, data: { pass.data($0) }, end: { pass.end() })
        } catch {
            report.add("bundle_unreadable", "bundle", "\(error)")
            return report
        }
        pass.conclude(into: &report, trustedKeys: trustedKeys)
        TransferMember.check(manifest, into: &report)
        return report
    }
}

/// The second pass: hashes every member, checks payloads against commitments, reads
/// messages.jsonl line by line, then checks the checkpoint and every message.
private struct SecondPass {
    let manifest: ExportManifest
    var filesByPath: [String: ExportManifest.FileRecord] = [:]
    var messagesByPayload: [String: Int] = [:]
    var seenFiles: Set<String> = []
    var seenPayloads: Set<String> = []
    var problems = ExportVerificationReport()
    var memberCount = 0
    // The member being read.
    var path = ""
    var size: UInt64 = 0
    var hasher = SHA256()
    var commitment: SHA256?
    var keep: [UInt8]?
    var keepingLimit = 0
    var lineBuffer: [UInt8]?
    var checkpointText: String?
    var keysText: String?
    /// For each released payload that matched its commitment and has a text pointer: the string there (nil: none).
    var payloadTexts: [Int64: String?] = [:]
    /// The lines of messages.jsonl as read, parsed after the pass.
    var jsonlRaw: [[UInt8]] = []
    var jsonlLines: [Int64: CheckedLine] = [:]
    var jsonlOrder: [Int64] = []

    init(manifest: ExportManifest) {
        self.manifest = manifest
        for file in manifest.files { filesByPath[file.path] = file }
        for (index, message) in manifest.messages.enumerated() {
            if let file = message.payloadFile { messagesByPayload[file] = index }
        }
    }

    mutating func begin(_ path: String, _ size: UInt64) throws {
        self.path = path
        self.size = size
        memberCount += 1
        hasher = SHA256()
        commitment = nil
        keep = nil
        lineBuffer = nil
        if path == "checkpoint.txt" || path == "checkpoint.pub" {
            keep = []
            keepingLimit = 1 << 20
        }
        if path == "messages.jsonl" { lineBuffer = [] }
        if let index = messagesByPayload[path] {
            let message = manifest.messages[index]
            var salted = SHA256()
            if let salt = message.salt.flatMap(Hex.decode) { salted.update(data: salt) }
            commitment = salted
            if message.textPointer != nil {
                keep = []
                keepingLimit = 64 << 20
            }
        }
    }

    mutating func data(_ piece: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: piece)
        commitment?.update(bufferPointer: piece)
        if keep != nil, keep!.count + piece.count <= keepingLimit { keep!.append(contentsOf: piece) }
        if lineBuffer != nil {
            var rest = piece[...]
            while let newline = rest.firstIndex(of: 0x0A) {
                lineBuffer!.append(contentsOf: rest[..<newline])
                consumeLine()
                rest = rest[(newline + 1)...]
            }
            lineBuffer!.append(contentsOf: rest)
        }
    }

    /// Keeps a line of messages.jsonl; the lines are parsed together (``parseLines(into:)``).
    mutating func consumeLine() {
        let line = lineBuffer!
        lineBuffer = []
        guard !line.isEmpty else { return }
        jsonlRaw.append(line)
    }

    /// Parses the kept lines of messages.jsonl in chunks on every core, then indexes them by
    /// position in file order (a malformed or repeated line is named).
    mutating func parseLines(into report: inout ExportVerificationReport) {
        let raw = jsonlRaw
        jsonlRaw = []
        let parsed = parallelMap(count: raw.count, chunkSize: 4096) { ManifestReader.line(raw[$0]) }
        jsonlLines.reserveCapacity(raw.count)
        for line in parsed {
            guard let line else {
                report.add("messages_jsonl_malformed", "messages.jsonl", "a line of messages.jsonl is not a message object: the file was altered")
                continue
            }
            if jsonlLines[line.position] != nil {
                report.add("message_duplicated", "position \(line.position)", "messages.jsonl lists position \(line.position) twice")
            }
            jsonlLines[line.position] = line
            jsonlOrder.append(line.position)
        }
    }

    mutating func end() {
        let digest = Hex.encode(hasher.finalize())
        if path == "messages.jsonl", let rest = lineBuffer, !rest.isEmpty { consumeLine() }
        if path == "checkpoint.txt", let keep { checkpointText = String(decoding: keep, as: UTF8.self) }
        if path == "checkpoint.pub", let keep { keysText = String(decoding: keep, as: UTF8.self) }
        if path == "manifest.json" { return }
        if let index = messagesByPayload[path] {
            let message = manifest.messages[index]
            seenPayloads.insert(path)
            let computed = Hex.encode(commitment!.finalize())
            if computed != message.entry.payloadCommitment.lowercased() {
                problems.add(
                    "payload_commitment_mismatch", "position \(message.position)",
                    "the released payload \(path) and its salt do not give the entry's commitment: the payload was altered")
            } else if let pointer = message.textPointer, let keep {
                payloadTexts[message.position] = JSONPointer.string(at: pointer, in: keep)
            }
            return
        }
        guard let record = filesByPath[path] else {
            problems.add("file_extra", path, "\(path) is in the bundle but not in manifest.json: it was added after the export")
            return
        }
        if !seenFiles.insert(path).inserted {
            problems.add("file_duplicated", path, "\(path) appears twice in the bundle")
        }
        if record.size != size || record.sha256.lowercased() != digest {
            problems.add("file_changed", path, "\(path) differs from what manifest.json records (size or SHA-256): it was altered")
        }
    }

    mutating func conclude(into report: inout ExportVerificationReport, trustedKeys: [String]?) {
        report.problems += problems.problems
        parseLines(into: &report)
        report.files = memberCount
        for file in manifest.files where !seenFiles.contains(file.path) {
            report.add("file_missing", file.path, "\(file.path) is listed in manifest.json but is not in the bundle")
        }
        // The checkpoint.
        var root: LedgerDigest?
        let keyLines = trustedKeys ?? (keysText ?? "").split(separator: "\n").map(String.init)
        if let checkpointText {
            do {
                let trusted = try TrustedCheckpoint(signedNote: checkpointText, verifierKeys: keyLines, ledger: manifest.ledger)
                if trusted.checkpoint.treeSize != manifest.checkpoint.treeSize
                    || trusted.checkpoint.rootHash.hex != manifest.checkpoint.rootHash.lowercased()
                {
                    report.add(
                        "checkpoint_mismatch", "checkpoint.txt", "manifest.json names another tree size or root than the signed checkpoint")
                }
                root = trusted.checkpoint.rootHash
            } catch {
                report.add("checkpoint_invalid", "checkpoint.txt", "\(error)")
            }
        } else {
            report.add("checkpoint_invalid", "checkpoint.txt", "the bundle has no checkpoint.txt: no message can be proven")
        }
        // Every message of the manifest: its entry hash, proof and line, checked in chunks on
        // every core (each chunk's problems are kept in manifest order).
        var positions: Set<Int64> = []
        positions.reserveCapacity(manifest.messages.count)
        for message in manifest.messages where !positions.insert(message.position).inserted {
            report.add("message_duplicated", "position \(message.position)", "manifest.json lists position \(message.position) twice")
        }
        for part in checkMessages(root: root) {
            report.released += part.released
            report.redacted += part.redacted
            report.withheld += part.withheld
            report.problems += part.problems
        }
        for position in jsonlOrder where !positions.contains(position) {
            report.add(
                "message_not_in_manifest", "position \(position)",
                "messages.jsonl has a message at position \(position) that manifest.json does not prove: it was added or the manifest altered")
        }
    }

    /// The checks of every message (state, entry, proof, line), in chunks run concurrently; the
    /// chunks' reports in manifest order.
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
                checkEntry(message, root: root, into: &part)
                checkLine(message, into: &part)
            }
            return part
        }
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
                if !seenPayloads.contains(file) {
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

    func checkLine(_ message: ExportManifest.MessageRecord, into report: inout ExportVerificationReport) {
        let subject = "position \(message.position)"
        guard let line = jsonlLines[message.position] else {
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
        if message.state == "released", let payloadText = payloadTexts[message.position], payloadText == nil || !same(payloadText, line.text) {
            report.add("text_mismatch", subject, "its text in messages.jsonl is not the text of its released payload: the text was altered")
        }
    }
}

/// Text equality as Unicode scalars (Swift's `==` on strings is canonical equivalence).
private func same(_ a: String?, _ b: String?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return a.unicodeScalars.elementsEqual(b.unicodeScalars)
}
