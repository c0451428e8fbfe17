import RecordkeeperCore

/// Writes one JSON object straight into bytes, members in the order they are added (the callers
/// add them in sorted order, as the bundle's JSON files have them). A nil value leaves the member
/// out, as the synthesized `Encodable` of the model types does. Several times faster than
/// `JSONEncoder` for the per-message lines of the bundle.
struct JSONObjectWriter {
    private(set) var bytes: [UInt8] = [UInt8(ascii: "{")]

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// The object, closed.
    var finished: [UInt8] { bytes + [UInt8(ascii: "}")] }

    private mutating func key(_ name: String) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        JSONValue.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func add(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        JSONValue.appendString(value, to: &bytes)
    }

    mutating func add(_ name: String, _ value: Int64?) {
        guard let value else { return }
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func add(_ name: String, _ value: UInt64?) {
        guard let value else { return }
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func add(_ name: String, _ values: [String]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONValue.appendString(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A member whose value is an object already written.
    mutating func add(_ name: String, object: JSONObjectWriter?) {
        guard let object else { return }
        key(name)
        bytes += object.finished
    }

    /// A member whose value is an array of objects already written.
    mutating func add(_ name: String, objects: [JSONObjectWriter]?) {
        guard let objects else { return }
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (index, object) in objects.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += object.finished
        }
        bytes.append(UInt8(ascii: "]"))
    }
}

extension ExportManifest.MessageRecord {
    /// The record as `manifest.json` has it (snake-case members in sorted order).
    var json: [UInt8] {
        var entry = JSONObjectWriter()
        entry.add("actor", self.entry.actor)
        entry.add("dedupe_key", self.entry.dedupeKey)
        entry.add("event_id", self.entry.eventId)
        entry.add("event_type", self.entry.eventType)
        entry.add("header", self.entry.header)
        entry.add("ledger", self.entry.ledger)
        entry.add("occurred_at_us", self.entry.occurredAtUs)
        entry.add("payload_commitment", self.entry.payloadCommitment)
        entry.add("position", self.entry.position)
        entry.add("prev_hash", self.entry.prevHash)
        entry.add("recorded_at_us", self.entry.recordedAtUs)
        entry.add("stream", self.entry.stream)
        var record = JSONObjectWriter(capacity: 2048)
        record.add("conversation", conversation)
        record.add("entry", object: entry)
        record.add("entry_hash", entryHash)
        record.add("leaf_index", leafIndex)
        record.add("payload_file", payloadFile)
        record.add("payload_size", payloadSize)
        record.add("position", position)
        record.add("proof", proof)
        record.add("record_id", recordId)
        record.add("salt", salt)
        record.add("state", state)
        record.add("text_pointer", textPointer)
        return record.finished
    }
}

extension ExportMessageLine {
    /// The line as `messages.jsonl` has it (snake-case members in sorted order), without its newline.
    var json: [UInt8] {
        func exemption(_ line: ExemptionLine?) -> JSONObjectWriter? {
            guard let line else { return nil }
            var object = JSONObjectWriter()
            object.add("citation", line.citation)
            object.add("explanation", line.explanation)
            return object
        }
        var object = JSONObjectWriter(capacity: 512)
        object.add("author", author)
        object.add("conversation", conversation)
        object.add("direction", direction)
        object.add(
            "media",
            objects: media.map { file in
                var object = JSONObjectWriter()
                object.add("file", file.file)
                object.add("name", file.name)
                object.add("withheld", object: exemption(file.withheld))
                return object
            })
        object.add("position", position)
        object.add("recipients", recipients)
        object.add("record_id", recordId)
        object.add(
            "redactions",
            objects: redactions.map { redaction in
                var object = JSONObjectWriter()
                object.add("citation", redaction.citation)
                object.add("explanation", redaction.explanation)
                object.add("length", Int64(redaction.length))
                object.add("start", Int64(redaction.start))
                return object
            })
        object.add("state", state)
        object.add("text", text)
        object.add("time", time)
        object.add("type", type)
        object.add("withheld", object: exemption(withheld))
        return object.finished
    }
}

extension RSMFWriter.Event {
    /// The event as the RSMF manifest has it (members in sorted order).
    var json: [UInt8] {
        var object = JSONObjectWriter(capacity: 512)
        object.add(
            "attachments",
            objects: attachments?.map { attachment in
                var object = JSONObjectWriter()
                object.add("display", attachment.display)
                object.add("id", attachment.id)
                object.add("size", Int64(attachment.size))
                return object
            })
        object.add("body", body)
        object.add("conversation", conversation)
        object.add(
            "custom",
            objects: custom.map { custom in
                var object = JSONObjectWriter()
                object.add("name", custom.name)
                object.add("value", custom.value)
                return object
            })
        object.add("direction", direction)
        object.add("id", id)
        object.add("participant", participant)
        object.add("timestamp", timestamp)
        object.add("type", type)
        return object.finished
    }
}
