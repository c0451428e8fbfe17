public import Foundation
import Ledger

/// Writes one public-records export bundle, a `.tar.zst` file (docs/export-format.md), from
/// messages handed over one at a time, with constant memory: payloads and media go straight into
/// the compressed tar; the other files are spooled to temporary files, hashed as they are written,
/// and appended at the end; `manifest.json` is the last member.
///
/// Messages must come in increasing ledger position. Each is checked before anything of it is
/// written (its entry hash and proof against the checkpoint, a released payload against its
/// commitment, non-empty citations and explanations); a refusal throws ``ExportError`` and, like
/// ``cancel()``, leaves nothing at the destination. The bundle appears at the destination only
/// when ``finish()`` succeeds (written beside it under a temporary name, then renamed).
public final class ExportBundleWriter {
    private let destination: URL
    private let partial: URL
    private let spoolDirectory: URL
    private let ledger: ExportLedger
    private let trusted: TrustedCheckpoint
    private let coverLetter: ExportCoverLetter
    private let output: BundleOutput
    private let messagesJSONL: HashingSpool
    private let messagesCSV: HashingSpool
    private let exemptionLog: HashingSpool
    private let manifestMessages: HashingSpool
    private let rsmf: RSMFWriter
    private var transcripts: [String: TranscriptPage] = [:]
    private let conversationOrder: [String]
    private var files: [ExportManifest.FileRecord] = []
    private var mediaNames: Set<String> = []
    private var lastPosition: Int64 = 0
    private var summary: ExportSummary
    private var done = false
    private let encoder = ExportJSON.encoder()

    /// Starts a bundle at `destination` (which must not exist).
    /// - Parameters:
    ///   - ledger: the ledger, its signed checkpoint and verifier keys; a key must verify it.
    ///   - conversations: every conversation the messages belong to (one transcript each).
    ///   - coverLetter: the facts the cover letter states.
    ///   - compressionLevel: the zstd level.
    public init(
        destination: URL, ledger: ExportLedger, conversations: [ExportConversation], coverLetter: ExportCoverLetter,
        compressionLevel: Int = 3
    ) throws {
        guard !FileManager.default.fileExists(atPath: destination.path) else { throw ExportError.destinationExists(destination.path) }
        guard !coverLetter.agency.trimmingCharacters(in: .whitespaces).isEmpty,
            !coverLetter.requestID.trimmingCharacters(in: .whitespaces).isEmpty, coverLetter.installment >= 1
        else {
            throw ExportError.invalidInput("the cover letter needs the agency, the request id and an installment number of 1 or more")
        }
        let trusted = try TrustedCheckpoint(signedNote: ledger.signedCheckpoint, verifierKeys: ledger.verifierKeys, ledger: ledger.name)
        guard trusted.checkpoint.treeSize > 0 else { throw ExportError.checkpoint("it covers no entry (tree size 0)") }
        var seen: Set<String> = []
        for conversation in conversations where !seen.insert(conversation.id).inserted {
            throw ExportError.invalidInput("conversation \(conversation.id) is given twice")
        }
        self.destination = destination
        self.partial = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).partial-\(UUID().uuidString)")
        self.spoolDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("rk-export-\(UUID().uuidString)")
        self.ledger = ledger
        self.trusted = trusted
        self.coverLetter = coverLetter
        self.summary = ExportSummary(ledger: ledger.name, checkpointSize: trusted.checkpoint.treeSize)
        self.summary.conversations = conversations.count
        self.conversationOrder = conversations.map(\.id)
        do {
            try FileManager.default.createDirectory(at: spoolDirectory, withIntermediateDirectories: true)
        } catch {
            throw ExportError.io(path: spoolDirectory.path, reason: "\(error)")
        }
        self.output = try BundleOutput(path: partial.path, level: compressionLevel, mtime: coverLetter.producedAt.microseconds / 1_000_000)
        messagesJSONL = try HashingSpool(memberPath: "messages.jsonl", directory: spoolDirectory)
        messagesCSV = try HashingSpool(memberPath: "messages.csv", directory: spoolDirectory)
        exemptionLog = try HashingSpool(memberPath: "exemption_log.csv", directory: spoolDirectory)
        manifestMessages = try HashingSpool(memberPath: "manifest.json", directory: spoolDirectory)
        rsmf = try RSMFWriter(directory: spoolDirectory, conversations: conversations, coverLetter: coverLetter)
        try messagesCSV.write(
            CSV.row(["record_id", "position", "conversation", "direction", "time", "type", "author", "recipients", "state", "text", "redactions", "media"]))
        try exemptionLog.write(
            CSV.row(["record_id", "position", "type", "date", "author", "recipients", "extent", "action", "citation", "explanation"]))
        for (index, conversation) in conversations.enumerated() {
            let spool = try HashingSpool(
                memberPath: Self.transcriptPath(index: index, id: conversation.id), directory: spoolDirectory, bufferLimit: 4 * 1024)
            transcripts[conversation.id] = try TranscriptPage(
                spool: spool, conversation: conversation, agency: coverLetter.agency, requestID: coverLetter.requestID,
                subject: coverLetter.subject)
        }
    }

    deinit {
        if !done { cancel() }
    }

    /// `transcripts/NNN-<id with every character but letters, digits, '.', '_' and '-' as '_'>.html`.
    static func transcriptPath(index: Int, id: String) -> String {
        let safe = String(
            id.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar))
                    ? Character(scalar) : "_"
            }.prefix(60))
        let number = String(index + 1)
        return "transcripts/" + String(repeating: "0", count: max(0, 3 - number.count)) + number + "-" + safe + ".html"
    }

    /// Checks `message` and writes it (its payload and media into the bundle, its lines into the
    /// other files).
    public func add(_ message: ExportMessage) throws {
        precondition(!done, "ExportBundleWriter used after finish() or cancel()")
        let entryHash = try check(message)
        let position = message.entry.position
        var payloadFile: String?
        var payloadSize: UInt64?
        var salt: String?
        var textPointer: String?
        if case .released(let payload, let saltBytes, _, let pointer) = message.state {
            let path = "payloads/\(position).bin"
            _ = try output.addFile(path: path, bytes: payload)
            payloadFile = path
            payloadSize = UInt64(payload.count)
            salt = Hex.encode(saltBytes)
            textPointer = pointer
        }
        var mediaLines: [ExportMessageLine.MediaLine] = []
        var includedMedia: [(String, [UInt8])] = []
        for media in message.media {
            if let exemption = media.withheld {
                mediaLines.append(.init(name: media.name, file: nil, withheld: .init(citation: exemption.citation, explanation: exemption.explanation)))
                summary.mediaWithheld += 1
            } else {
                let bytes: [UInt8]
                do { bytes = try media.bytes() } catch {
                    throw ExportError.invalidMessage(position: position, reason: "its media file \(media.name) could not be read (\(error))")
                }
                files.append(try output.addFile(path: "media/\(media.name)", bytes: bytes))
                includedMedia.append((media.name, bytes))
                mediaLines.append(.init(name: media.name, file: "media/\(media.name)", withheld: nil))
                summary.mediaIncluded += 1
            }
        }
        switch message.state {
        case .released: summary.released += 1
        case .redacted: summary.redacted += 1
        case .withheld: summary.withheld += 1
        }
        summary.redactions += message.redactions.count

        let record = ExportManifest.MessageRecord(
            recordId: message.recordID, conversation: message.conversationID, position: position, leafIndex: UInt64(position - 1),
            state: message.state.name, entry: .init(message.entry, previousHash: message.previousHash), entryHash: entryHash.hex,
            proof: message.proof.map(\.hex), payloadFile: payloadFile, payloadSize: payloadSize, salt: salt, textPointer: textPointer)
        try manifestMessages.write(Array((lastPosition == 0 ? "\n" : ",\n").utf8) + record.json)
        lastPosition = position

        var withheldLine: ExportMessageLine.ExemptionLine?
        if case .withheld(let exemption) = message.state { withheldLine = .init(citation: exemption.citation, explanation: exemption.explanation) }
        let line = ExportMessageLine(
            recordId: message.recordID, position: position, conversation: message.conversationID, direction: message.direction.rawValue,
            time: message.entry.occurredAt.description, type: message.messageType, author: message.author, recipients: message.recipients,
            state: message.state.name, text: message.releasedText,
            redactions: message.redactions.map {
                .init(start: $0.start, length: $0.length, citation: $0.exemption.citation, explanation: $0.exemption.explanation)
            },
            withheld: withheldLine, media: mediaLines)
        try messagesJSONL.write(line.json + [0x0A])
        try messagesCSV.write(
            CSV.row([
                message.recordID, String(position), message.conversationID, message.direction.rawValue, message.entry.occurredAt.description,
                message.messageType, message.author, message.recipients.joined(separator: "; "), message.state.name, message.releasedText ?? "",
                message.redactions.map(\.exemption.citation).joined(separator: "; "),
                mediaLines.map { $0.file ?? "\($0.name) (withheld)" }.joined(separator: "; "),
            ]))
        try writeExemptionRows(message)
        try transcripts[message.conversationID]!.append(message)
        try rsmf.add(message, entryHash: entryHash, media: includedMedia)
    }

    /// The exemption log: one row per redaction, per withheld message, per withheld media file.
    private func writeExemptionRows(_ message: ExportMessage) throws {
        func row(_ extent: String, _ action: String, _ exemption: ExportExemption) throws {
            try exemptionLog.write(
                CSV.row([
                    message.recordID, String(message.entry.position), message.messageType, message.entry.occurredAt.description, message.author,
                    message.recipients.joined(separator: "; "), extent, action, exemption.citation, exemption.explanation,
                ]))
        }
        if case .withheld(let exemption) = message.state { try row("the entire message", "withheld", exemption) }
        for redaction in message.redactions {
            try row(
                "characters \(redaction.start + 1) to \(redaction.start + redaction.length) of the message text (\(redaction.length) characters)",
                "redacted", redaction.exemption)
        }
        for media in message.media {
            if let exemption = media.withheld { try row("the entire attached file \(media.name)", "withheld", exemption) }
        }
    }

    /// Validates a message; returns its entry hash.
    private func check(_ message: ExportMessage) throws -> LedgerDigest {
        let position = message.entry.position
        func refuse(_ reason: String) -> ExportError { .invalidMessage(position: position, reason: reason) }
        guard transcripts[message.conversationID] != nil else {
            throw refuse("its conversation \(message.conversationID) is not among the conversations given to the writer")
        }
        guard message.entry.ledger == ledger.name else { throw refuse("its entry is of ledger \(message.entry.ledger), not \(ledger.name)") }
        guard position > lastPosition else {
            throw refuse("it comes after position \(lastPosition): messages must be given once each, in increasing position")
        }
        let size = trusted.checkpoint.treeSize
        guard UInt64(position) <= size else { throw refuse("it is beyond the checkpoint (\(size) entries): make a newer checkpoint") }
        guard message.recordID.hasPrefix(message.entry.stream + "@") else {
            throw refuse("its record id \(message.recordID) is not <stream>@YYYY-MM of its stream \(message.entry.stream)")
        }
        let entryHash = EntryEncoding.entryHash(message.entry, previousHash: message.previousHash)
        guard
            MerkleVerifier.verifyInclusion(
                leafHash: MerkleHash.leaf(entryHash: entryHash), index: UInt64(position - 1), treeSize: size, proof: message.proof,
                root: trusted.checkpoint.rootHash)
        else {
            throw refuse("its entry and inclusion proof do not give the checkpoint's root (wrong fields, previous hash or proof)")
        }
        func checkExemption(_ exemption: ExportExemption, _ what: String) throws {
            guard !exemption.citation.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                !exemption.explanation.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            else { throw refuse("\(what) needs an exemption citation and a record-specific explanation") }
        }
        switch message.state {
        case .released(let payload, let salt, let text, let pointer):
            guard let commitment = try? PayloadCommitment.commit(salt: salt, payload: payload), commitment == message.entry.payloadCommitment else {
                throw refuse("its payload and salt do not give the entry's payload commitment")
            }
            if let pointer, JSONPointer.string(at: pointer, in: payload) != text {
                throw refuse("its text is not the payload's string at \(pointer)")
            }
        case .redacted(let parts):
            guard parts.contains(where: { if case .redacted = $0 { true } else { false } }) else {
                throw refuse("it is marked redacted but has no redacted span (release or withhold it instead)")
            }
            for case .redacted(let redaction) in parts {
                guard redaction.start >= 0, redaction.length > 0 else { throw refuse("a redaction has a negative start or an empty span") }
                try checkExemption(redaction.exemption, "each redaction")
            }
        case .withheld(let exemption):
            try checkExemption(exemption, "a withheld message")
        }
        for media in message.media {
            let nameOK =
                !media.name.isEmpty && media.name.utf8.count <= 90 && !media.name.hasPrefix(".")
                && media.name.unicodeScalars.allSatisfy {
                    $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0))
                }
            guard nameOK else { throw refuse("media name \"\(media.name)\" must be 1–90 letters, digits, '.', '_' or '-', not starting with '.'") }
            guard !mediaNames.contains(media.name) else { throw refuse("media name \(media.name) is used twice in the export") }
            if let exemption = media.withheld { try checkExemption(exemption, "a withheld media file") }
        }
        for media in message.media { mediaNames.insert(media.name) }
        return entryHash
    }

    /// Writes the remaining files and `manifest.json`, closes the bundle and moves it to the destination.
    @discardableResult
    public func finish() throws -> ExportSummary {
        precondition(!done, "ExportBundleWriter.finish() called twice")
        do {
            for spool in [messagesJSONL, messagesCSV, exemptionLog] { files.append(try output.addSpool(spool)) }
            for id in conversationOrder {
                let page = transcripts[id]!
                try page.finish()
                files.append(try output.addSpool(page.spool))
            }
            files.append(try output.addSpool(try rsmf.finish()))
            let note = ledger.signedCheckpoint
            files.append(try output.addFile(path: "checkpoint.txt", bytes: Array(note.utf8)))
            files.append(try output.addFile(path: "checkpoint.pub", bytes: Array(ledger.verifierKeys.map { $0 + "\n" }.joined().utf8)))
            summary.files = files.count + 2 + summary.released
            let (letterPath, letter) = TransmittalLetter.letter(coverLetter, summary: summary, checkpoint: trusted.checkpoint, files: files.map(\.path))
            files.insert(try output.addFile(path: letterPath, bytes: Array(letter.utf8)), at: 0)
            try writeManifest()
            try output.finish()
            done = true
            try FileManager.default.moveItem(at: partial, to: destination)
            try? FileManager.default.removeItem(at: spoolDirectory)
            let attributes = try? FileManager.default.attributesOfItem(atPath: destination.path)
            summary.bundleBytes = (attributes?[.size] as? NSNumber)?.uint64Value ?? 0
            return summary
        } catch {
            cancel()
            throw error
        }
    }

    /// `manifest.json`: the header members, then the spooled message records.
    private func writeManifest() throws {
        struct Head: Encodable {
            var format: String
            var formatVersion: Int
            var ledger: String
            var checkpoint: ExportManifest.CheckpointReference
            var files: [ExportManifest.FileRecord]
            var transfer: ExportTransfer.Member?
        }
        let checkpoint = trusted.checkpoint
        let head = Head(
            format: ExportFormat.name, formatVersion: ExportFormat.version, ledger: ledger.name,
            checkpoint: .init(file: "checkpoint.txt", keysFile: "checkpoint.pub", treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash.hex),
            files: files, transfer: coverLetter.transfer?.member(producedAt: coverLetter.producedAt))
        var headText = try json(head)
        headText.removeLast()  // the closing brace: the messages follow
        let manifest = try HashingSpool(memberPath: "manifest.json", directory: spoolDirectory)
        try manifest.write(headText + ",\"messages\":[")
        _ = try manifestMessages.close()
        try manifestMessages.copyContents { try manifest.write($0) }
        try manifest.write("\n]}\n")
        let record = try output.addSpool(manifest)
        summary.manifestSHA256 = record.sha256
    }

    /// Abandons the bundle: nothing is left at the destination.
    public func cancel() {
        done = true
        output.abandon()
        try? FileManager.default.removeItem(at: partial)
        try? FileManager.default.removeItem(at: spoolDirectory)
    }

    private func json(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Writes a whole bundle from an asynchronous sequence of messages.
    public static func write(
        to destination: URL, ledger: ExportLedger, conversations: [ExportConversation], coverLetter: ExportCoverLetter,
        messages: some AsyncSequence<ExportMessage, any Error>, compressionLevel: Int = 3
    ) async throws -> ExportSummary {
        let writer = try ExportBundleWriter(
            destination: destination, ledger: ledger, conversations: conversations, coverLetter: coverLetter, compressionLevel: compressionLevel)
        do {
            for try await message in messages { try writer.add(message) }
            return try writer.finish()
        } catch {
            writer.cancel()
            throw error
        }
    }
}
