import Foundation
import Testing

@testable import Ledger

// Reproduces every vector in docs/test-vectors.json (written by tools/gen_test_vectors.py, an
// independent Python implementation of docs/ledger-format.md) from the Swift implementation.

// MARK: - The file's shape

struct VectorFile: Decodable, Sendable {
    var format: String
    var version: Int
    var genesis: String
    var entries: [EntryVector]
    var wrappedDataKeys: [WrappedKeyVector]
    var sealedPayloads: [SealedPayloadVector]
    var rejections: [Rejection]
    var timestamps: [TimestampVector]
    var checkpoints: CheckpointVectors

    static let url: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // LedgerTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("docs")
        .appendingPathComponent("test-vectors.json")

    static func load() throws -> VectorFile {
        let data = try Data(contentsOf: url)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(VectorFile.self, from: data)
    }
}

struct PayloadSpec: Decodable, Sendable {
    struct Generator: Decodable, Sendable {
        var patternHex: String
        var length: Int
    }

    var utf8: String?
    var hex: String?
    var generator: Generator?
    var sha256: String?

    func bytes() throws -> [UInt8] {
        if let utf8 { return Array(utf8.utf8) }
        if let hex { return try #require(Hex.decode(hex)) }
        let generator = try #require(generator)
        let pattern = try #require(Hex.decode(generator.patternHex))
        try #require(!pattern.isEmpty)
        var out = [UInt8]()
        out.reserveCapacity(generator.length)
        while out.count < generator.length {
            out.append(contentsOf: pattern.prefix(generator.length - out.count))
        }
        return out
    }
}

struct EntryVector: Decodable, Sendable, CustomTestStringConvertible {
    struct Inputs: Decodable, Sendable {
        var ledger: String
        var position: String
        var prevHash: String
        var eventId: String
        var stream: String
        var eventType: String
        var occurredAtUs: String
        var recordedAtUs: String
        var actor: String
        var dedupeKey: String?
        var header: String
        var salt: String?
        var payload: PayloadSpec?
        var payloadCommitment: String?
    }

    struct Expected: Decodable, Sendable {
        var payloadCommitment: String
        var encoding: String
        var encodingLength: Int
        var entryHash: String
        var merkleLeafHash: String
        var occurredAt: String
        var recordedAt: String
        var dataKeyPeriod: String
        var encodingParts: [[String]]
    }

    var name: String
    var description: String
    var chain: String?
    var inputs: Inputs
    var expected: Expected

    var testDescription: String { name }

    func fields() throws -> EntryFields {
        EntryFields(
            ledger: inputs.ledger,
            position: try #require(Int64(inputs.position)),
            eventID: try #require(UUID(uuidString: inputs.eventId)),
            stream: inputs.stream,
            eventType: inputs.eventType,
            occurredAt: LedgerTimestamp(microseconds: try #require(Int64(inputs.occurredAtUs))),
            recordedAt: LedgerTimestamp(microseconds: try #require(Int64(inputs.recordedAtUs))),
            actor: inputs.actor,
            dedupeKey: inputs.dedupeKey,
            header: inputs.header,
            payloadCommitment: try LedgerDigest(hex: expected.payloadCommitment)
        )
    }

    func storedEntry() throws -> StoredEntry {
        StoredEntry(
            fields: try fields(), previousHash: try LedgerDigest(hex: inputs.prevHash), entryHash: try LedgerDigest(hex: expected.entryHash)
        )
    }
}

struct WrappedKeyVector: Decodable, Sendable, CustomTestStringConvertible {
    struct Scope: Decodable, Sendable {
        var ledger: String
        var stream: String
        var period: String
    }

    struct Inputs: Decodable, Sendable {
        var masterKey: String
        var masterKeyBase64: String
        var scope: Scope
        var nonce: String
        var dataKey: String
    }

    struct Expected: Decodable, Sendable {
        var masterKeyId: String
        var associatedData: String
        var wrapped: String
    }

    var name: String
    var description: String
    var inputs: Inputs
    var expected: Expected

    var testDescription: String { name }

    var scope: DataKeyScope {
        DataKeyScope(ledger: inputs.scope.ledger, stream: inputs.scope.stream, period: inputs.scope.period)
    }

    func masterKey() throws -> MasterKey {
        try MasterKey(bytes: try #require(Hex.decode(inputs.masterKey)))
    }

    func unwrap() throws -> DataKey {
        try DataKey.unwrap(try #require(Hex.decode(expected.wrapped)), master: try masterKey(), scope: scope)
    }
}

struct SealedPayloadVector: Decodable, Sendable, CustomTestStringConvertible {
    struct Inputs: Decodable, Sendable {
        var dataKey: String
        var dataKeyFrom: String
        var ledger: String
        var eventId: String
        var nonce: String
        var salt: String
        var payload: PayloadSpec
    }

    struct Expected: Decodable, Sendable {
        var associatedData: String
        var sealed: String
        var payloadCommitment: String
    }

    var name: String
    var description: String
    var entry: String?
    var inputs: Inputs
    var expected: Expected

    var testDescription: String { name }
}

struct Rejection: Decodable, Sendable, CustomTestStringConvertible {
    struct Repeat: Decodable, Sendable {
        var text: String
        var count: Int
    }

    var field: String
    var value: String?
    var valueRepeat: Repeat?
    var reason: String
    var note: String?

    var text: String {
        value ?? String(repeating: valueRepeat?.text ?? "", count: valueRepeat?.count ?? 0)
    }

    var testDescription: String { "\(field) \(reason) \(note ?? value ?? "")" }
}

/// A timestamp (microseconds since the epoch) and its exact text form (format section 4).
struct TimestampVector: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var description: String
    var microseconds: String
    var text: String

    var testDescription: String { name }
}

// MARK: - Tests

@Suite("Test vectors (docs/test-vectors.json)")
struct TestVectorTests {
    @Test("the vector file is format v1 and covers the required cases")
    func fileCoversRequiredCases() throws {
        let file = try VectorFile.load()
        #expect(file.format == "recordkeeper-ledger")
        #expect(file.version == Int(EntryEncoding.version))
        #expect(file.genesis == LedgerDigest.genesis.hex)
        #expect(file.genesis == String(repeating: "0", count: 64))
        #expect(file.entries.count >= 12)
        let names = Set(file.entries.map(\.name))
        for required in [
            "first-entry", "second-entry", "unicode-emoji", "empty-payload", "large-payload-3mib", "payload-destroyed",
            "position-2^53+1", "position-2^63-1", "stream-arabic", "stream-cjk", "stream-nfc", "stream-nfd",
            "dedupe-key-present", "dedupe-key-absent", "occurred-before-1970", "max-size-header", "all-fields-at-limits",
        ] {
            #expect(names.contains(required), "missing vector \(required)")
        }
        #expect(names.count == file.entries.count, "vector names must be unique")
        let timestampNames = Set(file.timestamps.map(\.name))
        for required in ["last-microsecond-of-1969", "before-gregorian-reform", "last-microsecond-of-9999", "i64-min", "i64-max"] {
            #expect(timestampNames.contains(required), "missing timestamp vector \(required)")
        }
        #expect(file.wrappedDataKeys.count >= 2)
        #expect(file.sealedPayloads.count >= 2)
        // Every wrapped key is exercised by at least one sealed payload (which proves the unwrapped key is right).
        let used = Set(file.sealedPayloads.map(\.inputs.dataKeyFrom))
        for wrapped in file.wrappedDataKeys {
            #expect(used.contains(wrapped.name), "no sealed payload uses \(wrapped.name)")
        }
    }

    @Test("entry vector", arguments: try VectorFile.load().entries)
    func entry(_ vector: EntryVector) throws {
        let fields = try vector.fields()
        let previous = try LedgerDigest(hex: vector.inputs.prevHash)
        #expect(fields.eventID.uuidString.lowercased() == vector.inputs.eventId)

        // Payload commitment: recomputed from salt and payload, or given when the payload was destroyed.
        if let saltHex = vector.inputs.salt, let spec = vector.inputs.payload {
            let salt = try #require(Hex.decode(saltHex))
            let payload = try spec.bytes()
            if let generator = spec.generator {
                #expect(payload.count == generator.length)
                #expect(LedgerDigest.sha256(payload).hex == spec.sha256)
            }
            #expect(try PayloadCommitment.commit(salt: salt, payload: payload).hex == vector.expected.payloadCommitment)
            #expect(vector.inputs.payloadCommitment == nil)
        } else {
            #expect(vector.inputs.salt == nil && vector.inputs.payload == nil)
            #expect(vector.inputs.payloadCommitment == vector.expected.payloadCommitment)
        }

        // The encoding, byte for byte, and the hash over it.
        let encoding = EntryEncoding.encode(fields, previousHash: previous)
        #expect(encoding.count == vector.expected.encodingLength)
        #expect(Hex.encode(encoding) == vector.expected.encoding)
        #expect(vector.expected.encodingParts.map { $0[1] }.joined() == vector.expected.encoding)
        let hash = EntryEncoding.entryHash(fields, previousHash: previous)
        #expect(hash.hex == vector.expected.entryHash)
        #expect(LedgerDigest.sha256(encoding) == hash)
        #expect(LedgerDigest.sha256([0x00] + hash.bytes).hex == vector.expected.merkleLeafHash)

        // Timestamps as the service prints them, and the data key period.
        #expect(fields.occurredAt.description == vector.expected.occurredAt)
        #expect(fields.recordedAt.description == vector.expected.recordedAt)
        #expect(fields.occurredAt.monthPeriod == vector.expected.dataKeyPeriod)

        // Every vector is a valid entry.
        try EntryLimits.validateLedgerName(fields.ledger)
        try EntryLimits.validate(
            stream: fields.stream, eventType: fields.eventType, actor: fields.actor, dedupeKey: fields.dedupeKey, header: fields.header
        )
    }

    @Test("each encoding part sits where the parts before it end")
    func encodingPartsAreOrdered() throws {
        let file = try VectorFile.load()
        for vector in file.entries {
            let parts = vector.expected.encodingParts
            #expect(parts.first == ["domain", Hex.encode(EntryEncoding.domain)])
            #expect(parts.dropFirst().first == ["version", "0001"])
            #expect(parts.last?[0] == "payload_commitment")
            let presence = parts.first { $0[0] == "dedupe_key_present" }?[1]
            #expect(presence == (vector.inputs.dedupeKey == nil ? "00" : "01"), "\(vector.name)")
        }
    }

    @Test("the chained vectors verify as one ledger, head included")
    func chainVerifies() throws {
        let file = try VectorFile.load()
        let chain = file.entries.filter { $0.chain == "agency-main" }
        #expect(chain.count == 6)
        var verifier = ChainVerifier(ledger: "agency-main")
        let destruction = try #require(chain.first { $0.inputs.eventType == "record.destroyed" })
        let authorisedBy = try #require(Int64(destruction.inputs.position))
        for vector in chain {
            let entry = try vector.storedEntry()
            let evidence: PayloadEvidence
            if let salt = vector.inputs.salt, let spec = vector.inputs.payload {
                evidence = .opened(salt: try #require(Hex.decode(salt)), payload: try spec.bytes())
            } else {
                evidence = .destroyed(authorisedBy: authorisedBy)
            }
            if let failure = verifier.check(entry, payload: evidence) {
                Issue.record("\(vector.name): \(failure)")
                return
            }
        }
        #expect(verifier.verifiedEntries == 6)
        #expect(verifier.verifiedPayloads == 5)
        #expect(verifier.destroyedPayloads == 1)
        let last = try #require(chain.last)
        #expect(verifier.checkHead(position: 6, hash: try LedgerDigest(hex: last.expected.entryHash)) == nil)
        #expect(chain.first?.inputs.prevHash == LedgerDigest.genesis.hex)
        // The record.destroyed header names data key ids, as the destruction check requires.
        #expect(destruction.inputs.header.contains("\"data_key_ids\":[17]"))
    }

    @Test("each stand-alone vector verifies from its anchor, including position 2^63-1")
    func standAloneVectorsVerify() throws {
        let file = try VectorFile.load()
        for vector in file.entries where vector.chain == nil {
            let entry = try vector.storedEntry()
            var verifier = ChainVerifier(
                ledger: vector.inputs.ledger, startingAt: entry.fields.position, previousHash: try LedgerDigest(hex: vector.inputs.prevHash)
            )
            let evidence: PayloadEvidence =
                if let salt = vector.inputs.salt, let spec = vector.inputs.payload {
                    .opened(salt: try #require(Hex.decode(salt)), payload: try spec.bytes())
                } else {
                    .notChecked
                }
            #expect(verifier.check(entry, payload: evidence) == nil, "\(vector.name)")
            #expect(verifier.checkHead(position: entry.fields.position, hash: entry.entryHash) == nil, "\(vector.name)")
            #expect(verifier.verifiedEntries == 1)
        }
    }

    @Test("NFC and NFD streams hash differently; present and absent dedupe keys differ by the presence byte")
    func lookAlikes() throws {
        let file = try VectorFile.load()
        func vector(_ name: String) throws -> EntryVector { try #require(file.entries.first { $0.name == name }) }
        let nfc = try vector("stream-nfc")
        let nfd = try vector("stream-nfd")
        #expect(nfc.inputs.stream == nfd.inputs.stream)  // Swift: canonically equivalent …
        #expect(!nfc.inputs.stream.utf8.elementsEqual(nfd.inputs.stream.utf8))  // … but different bytes
        #expect(nfc.expected.entryHash != nfd.expected.entryHash)
        #expect(try nfc.fields().payloadCommitment == nfd.fields().payloadCommitment)

        let present = try vector("dedupe-key-present")
        let absent = try vector("dedupe-key-absent")
        #expect(present.expected.entryHash != absent.expected.entryHash)
        let key = try #require(present.inputs.dedupeKey)
        #expect(present.expected.encodingLength == absent.expected.encodingLength + 4 + key.utf8.count)
    }

    @Test("each look-alike twin differs from its twin in one input only, as its description says")
    func twinsDifferInOneInputOnly() throws {
        let file = try VectorFile.load()
        func vector(_ name: String) throws -> EntryVector {
            guard let found = file.entries.first(where: { $0.name == name }) else {
                throw MissingVector(name: name)
            }
            return found
        }
        /// Every input, text compared as bytes, keyed by name.
        func inputs(_ v: EntryVector) throws -> [String: [UInt8]?] {
            let i = v.inputs
            return [
                "ledger": Array(i.ledger.utf8), "position": Array(i.position.utf8), "prev_hash": Array(i.prevHash.utf8),
                "event_id": Array(i.eventId.utf8), "stream": Array(i.stream.utf8), "event_type": Array(i.eventType.utf8),
                "occurred_at_us": Array(i.occurredAtUs.utf8), "recorded_at_us": Array(i.recordedAtUs.utf8),
                "actor": Array(i.actor.utf8), "dedupe_key": i.dedupeKey.map { Array($0.utf8) },
                "header": Array(i.header.utf8), "salt": i.salt.map { Array($0.utf8) },
                "payload": try i.payload?.bytes(),
            ]
        }
        for (twin, original, differing) in [("stream-nfd", "stream-nfc", "stream"), ("dedupe-key-absent", "dedupe-key-present", "dedupe_key")] {
            let a = try vector(twin)
            let b = try vector(original)
            #expect(a.description.contains("Every other input"))
            let left = try inputs(a)
            let right = try inputs(b)
            let different = Set(left.keys.filter { left[$0]! != right[$0]! })
            #expect(different == [differing], "\(twin) differs from \(original) in \(different.sorted())")
        }
    }

    @Test("timestamp text form", arguments: try VectorFile.load().timestamps)
    func timestampText(_ vector: TimestampVector) throws {
        let microseconds = try #require(Int64(vector.microseconds))
        #expect(LedgerTimestamp(microseconds: microseconds).description == vector.text)
    }

    @Test("wrapped data key vector", arguments: try VectorFile.load().wrappedDataKeys)
    func wrappedDataKey(_ vector: WrappedKeyVector) throws {
        let master = try vector.masterKey()
        #expect(master.identifier == vector.expected.masterKeyId)
        let fromText = try MasterKey(base64: vector.inputs.masterKeyBase64)
        #expect(fromText.identifier == vector.expected.masterKeyId)
        #expect(fromText.base64 == vector.inputs.masterKeyBase64)
        #expect(Hex.encode(vector.scope.associatedData) == vector.expected.associatedData)
        let wrapped = try #require(Hex.decode(vector.expected.wrapped))
        #expect(wrapped.count == 12 + 32 + 16)
        #expect(Hex.encode(wrapped.prefix(12)) == vector.inputs.nonce)
        _ = try vector.unwrap()
        // The same bytes under another scope do not unwrap.
        var other = vector.scope
        other.period = "2000-01"
        #expect(throws: PayloadCryptoError.unwrapFailed) {
            try DataKey.unwrap(wrapped, master: master, scope: other)
        }
    }

    @Test("sealed payload vector", arguments: try VectorFile.load().sealedPayloads)
    func sealedPayload(_ vector: SealedPayloadVector) throws {
        let file = try VectorFile.load()
        let wrapped = try #require(file.wrappedDataKeys.first { $0.name == vector.inputs.dataKeyFrom })
        #expect(wrapped.inputs.dataKey == vector.inputs.dataKey)
        let key = try wrapped.unwrap()
        let eventID = try #require(UUID(uuidString: vector.inputs.eventId))
        #expect(Hex.encode(PayloadSealer.associatedData(ledger: vector.inputs.ledger, eventID: eventID)) == vector.expected.associatedData)

        let sealed = try #require(Hex.decode(vector.expected.sealed))
        let payload = try vector.inputs.payload.bytes()
        #expect(sealed.count == 12 + 32 + payload.count + 16)
        #expect(Hex.encode(sealed.prefix(12)) == vector.inputs.nonce)
        let opened = try PayloadSealer.open(sealed, key: key, ledger: vector.inputs.ledger, eventID: eventID)
        #expect(Hex.encode(opened.salt) == vector.inputs.salt)
        #expect(opened.payload == payload)
        #expect(try PayloadCommitment.commit(salt: opened.salt, payload: opened.payload).hex == vector.expected.payloadCommitment)

        if let entryName = vector.entry {
            let entry = try #require(file.entries.first { $0.name == entryName })
            #expect(entry.expected.payloadCommitment == vector.expected.payloadCommitment)
            #expect(entry.inputs.ledger == vector.inputs.ledger)
            #expect(entry.inputs.eventId == vector.inputs.eventId)
        }
        // Bound to its entry: another event id does not open it.
        #expect(throws: PayloadCryptoError.openFailed) {
            try PayloadSealer.open(sealed, key: key, ledger: vector.inputs.ledger, eventID: UUID())
        }
    }

    @Test("rejected input", arguments: try VectorFile.load().rejections)
    func rejection(_ rejection: Rejection) throws {
        let value = rejection.text
        let bytes = value.utf8.count
        if rejection.field == "ledger" {
            #expect(rejection.reason == "invalid_ledger_name")
            #expect(throws: LedgerFormatError.invalidLedgerName(value)) { try EntryLimits.validateLedgerName(value) }
            return
        }
        var stream = "s"
        var eventType = "t"
        var actor = "a"
        var header = "{}"
        var dedupeKey: String? = nil
        switch rejection.field {
        case "stream": stream = value
        case "event_type": eventType = value
        case "actor": actor = value
        case "dedupe_key": dedupeKey = value
        case "header": header = value
        default: Issue.record("unknown field \(rejection.field)")
        }
        let expected: LedgerFormatError
        switch rejection.reason {
        case "empty": expected = .emptyField(rejection.field)
        case "too_long":
            let limit = [
                "stream": EntryLimits.stream, "event_type": EntryLimits.eventType, "actor": EntryLimits.actor,
                "dedupe_key": EntryLimits.dedupeKey, "header": EntryLimits.header,
            ][rejection.field]
            let limitBytes = try #require(limit)
            #expect(bytes > limitBytes)
            expected = .fieldTooLong(field: rejection.field, bytes: bytes, limit: limitBytes)
        default:
            Issue.record("unknown reason \(rejection.reason)")
            return
        }
        #expect(throws: expected) {
            try EntryLimits.validate(stream: stream, eventType: eventType, actor: actor, dedupeKey: dedupeKey, header: header)
        }
    }
}

/// A vector the test names is not in docs/test-vectors.json.
struct MissingVector: Error, CustomStringConvertible {
    var name: String
    var description: String { "docs/test-vectors.json has no entry vector named \(name)" }
}
