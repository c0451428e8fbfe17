import Foundation
import Ledger

/// `manifest.json` (docs/export-format.md section 5): written last, it names every other file with
/// its size and SHA-256, the checkpoint, and each message's entry, proof and release state.
///
/// Members are written in snake case (`format_version`, `record_id` …) by ``ExportJSON``.
struct ExportManifest: Encodable, Sendable {
    var format: String
    var formatVersion: Int
    var ledger: String
    var checkpoint: CheckpointReference
    var files: [FileRecord]
    var messages: [MessageRecord]
    /// A transfer package's archives' metadata, as verification reads it (section 5.1).
    var transfer: TransferRecord? = nil

    /// The members of `transfer` that verification compares with the messages.
    struct TransferRecord: Encodable, Sendable, Equatable {
        var list: String
        var recordCount: Int64
        /// `<stream>@<month>` of each record.
        var records: [String]
    }

    struct CheckpointReference: Encodable, Sendable, Equatable {
        var file: String
        var keysFile: String
        var treeSize: UInt64
        var rootHash: String
    }

    struct FileRecord: Encodable, Sendable, Equatable {
        var path: String
        var size: UInt64
        var sha256: String
    }

    struct MessageRecord: Encodable, Sendable, Equatable {
        var recordId: String
        var conversation: String
        var position: Int64
        var leafIndex: UInt64
        var state: String
        var entry: EntryRecord
        var entryHash: String
        var proof: [String]
        /// Released messages only: the payload's file in the bundle, its size and the salt.
        var payloadFile: String?
        var payloadSize: UInt64?
        var salt: String?
        var textPointer: String?
    }

    /// The entry fields of docs/ledger-format.md section 3, as the entry hash encodes them.
    struct EntryRecord: Encodable, Sendable, Equatable {
        var ledger: String
        var position: Int64
        var eventId: String
        var stream: String
        var eventType: String
        var occurredAtUs: Int64
        var recordedAtUs: Int64
        var actor: String
        var dedupeKey: String?
        var header: String
        var payloadCommitment: String
        var prevHash: String

        init(
            ledger: String, position: Int64, eventId: String, stream: String, eventType: String, occurredAtUs: Int64, recordedAtUs: Int64,
            actor: String, dedupeKey: String?, header: String, payloadCommitment: String, prevHash: String
        ) {
            self.ledger = ledger
            self.position = position
            self.eventId = eventId
            self.stream = stream
            self.eventType = eventType
            self.occurredAtUs = occurredAtUs
            self.recordedAtUs = recordedAtUs
            self.actor = actor
            self.dedupeKey = dedupeKey
            self.header = header
            self.payloadCommitment = payloadCommitment
            self.prevHash = prevHash
        }

        init(_ fields: EntryFields, previousHash: LedgerDigest) {
            ledger = fields.ledger
            position = fields.position
            eventId = fields.eventID.uuidString.lowercased()
            stream = fields.stream
            eventType = fields.eventType
            occurredAtUs = fields.occurredAt.microseconds
            recordedAtUs = fields.recordedAt.microseconds
            actor = fields.actor
            dedupeKey = fields.dedupeKey
            header = fields.header
            payloadCommitment = fields.payloadCommitment.hex
            prevHash = previousHash.hex
        }

        /// The fields and previous hash back, or nil when a value is malformed.
        func decoded() -> (EntryFields, LedgerDigest)? {
            guard let eventID = UUID(uuidString: eventId), let commitment = try? LedgerDigest(hex: payloadCommitment),
                let previous = try? LedgerDigest(hex: prevHash)
            else { return nil }
            let fields = EntryFields(
                ledger: ledger, position: position, eventID: eventID, stream: stream, eventType: eventType,
                occurredAt: LedgerTimestamp(microseconds: occurredAtUs), recordedAt: LedgerTimestamp(microseconds: recordedAtUs),
                actor: actor, dedupeKey: dedupeKey, header: header, payloadCommitment: commitment)
            return (fields, previous)
        }
    }
}

/// One line of `messages.jsonl` (docs/export-format.md section 4).
struct ExportMessageLine: Encodable, Sendable, Equatable {
    var recordId: String
    var position: Int64
    var conversation: String
    var direction: String
    var time: String
    var type: String
    var author: String
    var recipients: [String]
    var state: String
    var text: String?
    var redactions: [RedactionLine]
    var withheld: ExemptionLine?
    var media: [MediaLine]

    struct ExemptionLine: Encodable, Sendable, Equatable {
        var citation: String
        var explanation: String
    }

    struct RedactionLine: Encodable, Sendable, Equatable {
        var start: Int
        var length: Int
        var citation: String
        var explanation: String
    }

    struct MediaLine: Encodable, Sendable, Equatable {
        var name: String
        /// `media/<name>` when included; absent when withheld.
        var file: String?
        var withheld: ExemptionLine?
    }
}

/// The JSON encoder of the bundle: snake-case members, sorted keys, no escaped slashes (the
/// verifier reads with ``ManifestReader``).
enum ExportJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
