import RecordkeeperCore

/// Reads `manifest.json` and `messages.jsonl` lines with RecordkeeperCore's JSON parser, with the
/// strict types of docs/export-format.md section 6 (an integer is a JSON integer, never a string
/// or a fraction). Several times faster than `JSONDecoder` on a large manifest.
enum ManifestReader {
    /// The manifest from the skeleton ``ManifestSplitter`` kept and the records of the `messages`
    /// elements it split off (parsed by ``record(_:)``); nil when anything is malformed. With
    /// `splitMessages` nil, the skeleton is the whole manifest.
    static func manifest(skeleton: [UInt8], splitMessages: [ExportManifest.MessageRecord?]?) -> ExportManifest? {
        guard let root = try? JSONValue.parse(skeleton), let format = root["format"]?.string, let version = int(root["format_version"]),
            let ledger = root["ledger"]?.string, let checkpoint = root["checkpoint"], let file = checkpoint["file"]?.string,
            let keysFile = checkpoint["keys_file"]?.string, let treeSize = unsigned(checkpoint["tree_size"]),
            let rootHash = checkpoint["root_hash"]?.string, let fileValues = root["files"]?.array, let messageValues = root["messages"]?.array
        else { return nil }
        var files: [ExportManifest.FileRecord] = []
        files.reserveCapacity(fileValues.count)
        for value in fileValues {
            guard let path = value["path"]?.string, let size = unsigned(value["size"]), let sha256 = value["sha256"]?.string else { return nil }
            files.append(.init(path: path, size: size, sha256: sha256))
        }
        let messages: [ExportManifest.MessageRecord]
        if let splitMessages {
            guard messageValues.isEmpty else { return nil }
            var records: [ExportManifest.MessageRecord] = []
            records.reserveCapacity(splitMessages.count)
            for record in splitMessages {
                guard let record else { return nil }
                records.append(record)
            }
            messages = records
        } else {
            guard let records = self.messages(messageValues) else { return nil }
            messages = records
        }
        var transfer: ExportManifest.TransferRecord?
        if let value = root["transfer"], value != .null {
            guard let record = TransferMember.read(value) else { return nil }
            transfer = record
        }
        return ExportManifest(
            format: format, formatVersion: Int(version), ledger: ledger,
            checkpoint: .init(file: file, keysFile: keysFile, treeSize: treeSize, rootHash: rootHash), files: files, messages: messages,
            transfer: transfer)
    }

    /// One element of the manifest's `messages`, or nil when it is not a valid message record.
    static func record(_ bytes: [UInt8]) -> ExportManifest.MessageRecord? {
        guard let value = try? JSONValue.parse(bytes) else { return nil }
        return message(value)
    }

    /// The message records, read in chunks on every core; nil when any is malformed.
    private static func messages(_ values: [JSONValue]) -> [ExportManifest.MessageRecord]? {
        let records = parallelMap(count: values.count, chunkSize: 4096) { message(values[$0]) }
        var messages: [ExportManifest.MessageRecord] = []
        messages.reserveCapacity(values.count)
        for record in records {
            guard let record else { return nil }
            messages.append(record)
        }
        return messages
    }

    private static func message(_ value: JSONValue) -> ExportManifest.MessageRecord? {
        guard let recordID = value["record_id"]?.string, let conversation = value["conversation"]?.string, let position = int(value["position"]),
            let leafIndex = unsigned(value["leaf_index"]), let state = value["state"]?.string, let entryHash = value["entry_hash"]?.string,
            let proofValues = value["proof"]?.array, let entry = value["entry"], let ledger = entry["ledger"]?.string,
            let entryPosition = int(entry["position"]), let eventID = entry["event_id"]?.string, let stream = entry["stream"]?.string,
            let eventType = entry["event_type"]?.string, let occurred = int(entry["occurred_at_us"]), let recorded = int(entry["recorded_at_us"]),
            let actor = entry["actor"]?.string, let header = entry["header"]?.string, let commitment = entry["payload_commitment"]?.string,
            let previous = entry["prev_hash"]?.string
        else { return nil }
        var proof: [String] = []
        for element in proofValues {
            guard let hash = element.string else { return nil }
            proof.append(hash)
        }
        guard let dedupeKey = optionalString(entry["dedupe_key"]), let payloadFile = optionalString(value["payload_file"]),
            let salt = optionalString(value["salt"]), let textPointer = optionalString(value["text_pointer"])
        else { return nil }
        var payloadSize: UInt64?
        if let size = value["payload_size"], size != .null {
            guard let number = unsigned(size) else { return nil }
            payloadSize = number
        }
        let record = ExportManifest.EntryRecord(
            ledger: ledger, position: entryPosition, eventId: eventID, stream: stream, eventType: eventType, occurredAtUs: occurred,
            recordedAtUs: recorded, actor: actor, dedupeKey: dedupeKey, header: header, payloadCommitment: commitment, prevHash: previous)
        return ExportManifest.MessageRecord(
            recordId: recordID, conversation: conversation, position: position, leafIndex: leafIndex, state: state, entry: record,
            entryHash: entryHash, proof: proof, payloadFile: payloadFile, payloadSize: payloadSize, salt: salt, textPointer: textPointer)
    }

    /// The members of a messages.jsonl line that verification compares, or nil when malformed.
    static func line(_ bytes: [UInt8]) -> CheckedLine? {
        guard let value = try? JSONValue.parse(bytes), let recordID = value["record_id"]?.string, let position = int(value["position"]),
            let conversation = value["conversation"]?.string, let state = value["state"]?.string, let time = value["time"]?.string,
            let text = optionalString(value["text"])
        else { return nil }
        return CheckedLine(recordId: recordID, position: position, conversation: conversation, state: state, time: time, text: text)
    }

    /// A JSON integer (not a string of digits, not a fraction).
    static func int(_ value: JSONValue?) -> Int64? {
        if case .integer(let number) = value { return number }
        return nil
    }

    static func unsigned(_ value: JSONValue?) -> UInt64? {
        guard let number = int(value), number >= 0 else { return nil }
        return UInt64(number)
    }

    /// `.some(nil)` for an absent or null member, `.some(text)` for a string, nil for anything else.
    static func optionalString(_ value: JSONValue?) -> String?? {
        switch value {
        case .none, .some(.null): return .some(nil)
        case .some(.string(let text)): return .some(text)
        default: return nil
        }
    }
}

/// The members of a `messages.jsonl` line that verification compares with the manifest; a line
/// without them (or with another type) is malformed. Other members are not checked here (the
/// file's SHA-256 covers them).
struct CheckedLine: Sendable {
    var recordId: String
    var position: Int64
    var conversation: String
    var state: String
    var time: String
    var text: String?
}
