import Foundation
import Ledger

@testable import Exports

/// A small real ledger built in memory with the `Ledger` module (entries, chain, Merkle tree,
/// signed checkpoint) and an export of three conversations drawn from it: released, redacted and
/// withheld messages, an included and a withheld media file.
struct LedgerFixture {
    static let logName = "records.test.example"
    static let ledgerName = "agency-test"
    static var origin: String { CheckpointOrigin.origin(logName: logName, ledger: ledgerName) }

    struct Stored {
        var fields: EntryFields
        var previous: LedgerDigest
        var hash: LedgerDigest
        var payload: [UInt8]
        var salt: [UInt8]
        var text: String
    }

    var entries: [Stored] = []
    let key = NoteSigningKey.generate()
    var signedCheckpoint = ""
    var treeSize: UInt64 = 0

    static let conversations = [
        ExportConversation(
            id: "wa/5551000/c-aaa", title: "Water bill question",
            parties: [.init(id: "agency", displayName: "Utilities (agency)", isAgency: true), .init(id: "c1", displayName: "Resident A", isAgency: false)]),
        ExportConversation(
            id: "wa/5551000/c-bbb", title: "Pothole report",
            parties: [.init(id: "agency", displayName: "Streets (agency)", isAgency: true), .init(id: "c2", displayName: "Resident B", isAgency: false)]),
        ExportConversation(
            id: "wa/5551000/c-ccc", title: "Permit & <inspection>",
            parties: [.init(id: "agency", displayName: "Permits (agency)", isAgency: true), .init(id: "c3", displayName: "Resident C", isAgency: false)]),
    ]

    /// (conversation index, text) of each message entry; other entries (statuses) are between them.
    static let script: [(Int, String)] = [
        (0, "Hello, my water bill is too high."),
        (0, "My card is 4111 1111 1111 1111, please refund."),
        (1, "There is a pothole on \"Main St\", near 5th, quite deep."),
        (0, "Thanks, we will look into it.\nRegards"),
        (2, "Here is my SSN 123-45-6789 for the permit."),
        (1, "Photo attached."),
        (2, "Medical note: I have asthma."),
        (1, "Fixed, thank you!"),
    ]

    init() throws {
        var previous = LedgerDigest.genesis
        var position: Int64 = 0
        func append(stream: String, type: String, payload: [UInt8], text: String) throws {
            position += 1
            let salt = PayloadCommitment.randomSalt()
            let fields = EntryFields(
                ledger: Self.ledgerName, position: position, eventID: UUID(), stream: stream, eventType: type,
                occurredAt: LedgerTimestamp(microseconds: 1_780_000_000_000_000 + position * 61_000_123),
                recordedAt: LedgerTimestamp(microseconds: 1_780_000_000_000_000 + position * 61_000_456), actor: "whatsapp:test",
                dedupeKey: type == "whatsapp.message.received" ? "wamid.\(position)" : nil,
                header: #"{"direction":"inbound","message_type":"text"}"#,
                payloadCommitment: try PayloadCommitment.commit(salt: salt, payload: payload))
            let hash = EntryEncoding.entryHash(fields, previousHash: previous)
            entries.append(Stored(fields: fields, previous: previous, hash: hash, payload: payload, salt: salt, text: text))
            previous = hash
        }
        for (conversation, text) in Self.script {
            let body = try JSONSerialization.data(withJSONObject: ["messages": [["type": "text", "text": ["body": text]]]], options: [.sortedKeys])
            try append(stream: Self.conversations[conversation].id, type: "whatsapp.message.received", payload: Array(body), text: text)
            try append(stream: Self.conversations[conversation].id, type: "whatsapp.status.updated", payload: Array(#"{"status":"read"}"#.utf8), text: "")
        }
        // A few entries after the messages, so the checkpoint is beyond the last message.
        for _ in 0..<3 { try append(stream: "config/x", type: "relay.configured", payload: [], text: "") }
        treeSize = UInt64(entries.count)
        let leaves = entries.map { MerkleHash.leaf(entryHash: $0.hash) }
        let checkpoint = Checkpoint(
            origin: Self.origin, treeSize: treeSize, rootHash: MerkleTree.root(of: leaves), chainHead: entries.last!.hash, createdAt: 1_780_001_000)
        signedCheckpoint = try key.signNote(checkpoint.body, name: Self.origin).rendered
    }

    var verifierKey: String { (try? key.verifierKey(name: Self.origin).description) ?? "" }

    var ledger: ExportLedger { ExportLedger(name: Self.ledgerName, signedCheckpoint: signedCheckpoint, verifierKeys: [verifierKey]) }

    static let coverLetter = ExportCoverLetter(
        agency: "City of Example", requestID: "PRR-2026-0042", installment: 1,
        producedAt: LedgerTimestamp(microseconds: 1_780_002_000_000_000),
        summary: "Messages between the City and residents about utilities, streets and permits, 1–30 June 2026.",
        contact: "Public Records Office, records@example.gov")

    func proof(_ stored: Stored) -> [LedgerDigest] {
        let leaves = entries.map { MerkleHash.leaf(entryHash: $0.hash) }
        return MerkleTree.inclusionProof(index: UInt64(stored.fields.position - 1), size: treeSize, leafHashes: leaves)!
    }

    static let cardExemption = ExportExemption(citation: "RCW 42.56.230(5)", explanation: "the resident's debit card number")
    static let ssnExemption = ExportExemption(citation: "RCW 42.56.250", explanation: "the resident's Social Security number")
    static let healthExemption = ExportExemption(citation: "RCW 42.56.360", explanation: "the resident's health condition")
    static let photoExemption = ExportExemption(citation: "RCW 42.56.230(1)", explanation: "the photo shows the resident's child")

    /// The export: message entries only, with their states.
    func messages() -> [ExportMessage] {
        let messageEntries = entries.filter { $0.fields.eventType == "whatsapp.message.received" }
        return messageEntries.enumerated().map { index, stored in
            let conversation = Self.conversations.first { $0.id == stored.fields.stream }!
            let month = String(stored.fields.occurredAt.description.prefix(7))
            var state = ExportReleaseState.released(payload: stored.payload, salt: stored.salt, text: stored.text, textPointer: "/messages/0/text/body")
            var media: [ExportMediaFile] = []
            switch index {
            case 1:
                state = .redacted([
                    .text("My card is "), .redacted(ExportRedaction(start: 11, length: 19, exemption: Self.cardExemption)), .text(", please refund."),
                ])
            case 4:
                state = .redacted([
                    .text("Here is my SSN "), .redacted(ExportRedaction(start: 15, length: 11, exemption: Self.ssnExemption)), .text(" for the permit."),
                ])
            case 5:
                media = [
                    ExportMediaFile(name: "p\(stored.fields.position)-pothole.jpg") { Array("JPEG bytes of a pothole".utf8) },
                    ExportMediaFile(name: "p\(stored.fields.position)-child.jpg", withheld: Self.photoExemption) {
                        Array("never read".utf8)
                    },
                ]
            case 6:
                state = .withheld(Self.healthExemption)
            default:
                break
            }
            return ExportMessage(
                recordID: "\(stored.fields.stream)@\(month)", conversationID: conversation.id, entry: stored.fields, previousHash: stored.previous,
                proof: proof(stored), direction: index == 3 || index == 7 ? .outbound : .inbound, messageType: media.isEmpty ? "text" : "image",
                author: index == 3 || index == 7 ? conversation.parties[0].displayName : conversation.parties[1].displayName,
                recipients: index == 3 || index == 7 ? [conversation.parties[1].displayName] : [conversation.parties[0].displayName],
                state: state, media: media)
        }
    }

    /// Writes the export to `directory/name`.
    func writeBundle(in directory: URL, name: String = "export.tar.zst") throws -> (URL, ExportSummary) {
        let url = directory.appendingPathComponent(name)
        let writer = try ExportBundleWriter(destination: url, ledger: ledger, conversations: Self.conversations, coverLetter: Self.coverLetter)
        for message in messages() { try writer.add(message) }
        return (url, try writer.finish())
    }
}

/// A fresh temporary directory for the duration of `body`.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("exports-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}
