import Events
public import Exports
import Foundation
import Ledger
public import LedgerStore
import Logging
import Messaging
import PostgresNIO
import RecordkeeperCore

/// A message of an export read from the database, its media not yet read.
public struct PreparedMessage: Sendable {
    /// Everything but the media files.
    public var message: ExportMessage
    /// The archived media ids of the message (read one message at a time when it is written).
    public var mediaIDs: [(id: String, mimeType: String?)]
    /// Set when its media files are withheld.
    public var mediaWithheld: ExportExemption?
}

/// Reads the messages of an export (an installment of a request, a transfer package) from the
/// database and turns them into ``ExportMessage``s a page at a time: the entries with their
/// opened payloads and salts, their inclusion proofs against one checkpoint (read together for the
/// page), their metadata from the conversations projection, and the release decisions handed in.
/// Memory is bounded by the page, never the export.
public struct ExportMessageReader: Sendable {
    /// How many positions are read together.
    public static let pageSize = 500

    public let store: LedgerStore
    public let ledger: LedgerRef
    /// The tree size of the checkpoint the proofs are for.
    public let treeSize: Int64
    /// The agency's name as the transcripts show it.
    public let agency: String
    /// The parties' display names of each conversation, filled by ``conversations(positions:)``.
    private var names: [String: (agency: String, citizen: String)] = [:]

    public init(store: LedgerStore, ledger: LedgerRef, treeSize: Int64, agency: String) {
        self.store = store
        self.ledger = ledger
        self.treeSize = treeSize
        self.agency = agency
    }

    /// Brings the conversations and media projections the reader looks up up to date.
    public static func catchUp(store: LedgerStore, ledger: LedgerRef) async throws {
        try await store.withTransaction { connection in
            _ = try await ProjectionRunner.catchUp(ConversationsProjection(), ledger: ledger, store: store, on: connection)
            _ = try await ProjectionRunner.catchUp(MediaProjection(), ledger: ledger, store: store, on: connection)
        }
    }

    /// Checks that every position is a message of a conversation and returns the conversations
    /// they belong to (one transcript each), in id order.
    /// - Throws: ``ExportSourceError/notMessages(positions:)``.
    public mutating func conversations(positions: [Int64]) async throws -> [ExportConversation] {
        var missing: [Int64] = []
        for try await position in try await store.client.query(
            """
            SELECT w.position FROM unnest(\(positions)::int8[]) AS w(position)
            WHERE NOT EXISTS (SELECT 1 FROM conversation_messages m WHERE m.ledger_id = \(ledger.id) AND m.position = w.position)
            ORDER BY w.position LIMIT 11
            """, logger: store.logger
        ).decode(Int64.self) { missing.append(position) }
        guard missing.isEmpty else { throw ExportSourceError.notMessages(positions: missing) }
        var conversations: [ExportConversation] = []
        for try await (id, phoneNumberID, display, profile) in try await store.client.query(
            """
            SELECT c.id, c.phone_number_id, c.display_phone_number, c.profile_name FROM conversations c
            WHERE c.ledger_id = \(ledger.id) AND c.id IN (
                SELECT DISTINCT m.conversation_id FROM conversation_messages m
                WHERE m.ledger_id = \(ledger.id) AND m.position = ANY(\(positions)::int8[]))
            ORDER BY c.id
            """, logger: store.logger
        ).decode((String, String, String?, String?).self) {
            let agencyName = "\(agency) (\(display.map { "+\($0)" } ?? "business number \(phoneNumberID)"))"
            let citizen = profile.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } ?? "a member of the public"
            names[id] = (agencyName, citizen)
            conversations.append(
                ExportConversation(
                    id: id, title: "Conversation between \(agencyName) and \(citizen)",
                    parties: [
                        ExportParty(id: "agency", displayName: agencyName, isAgency: true),
                        ExportParty(id: "citizen", displayName: citizen, isAgency: false),
                    ]))
        }
        return conversations
    }

    /// The messages at `positions` (ascending, at most ``pageSize``), with `decisions` applied.
    /// - Throws: ``ExportSourceError`` when a message's content cannot be released or a redaction
    ///   does not fit.
    public func page(_ positions: [Int64], decisions: ExportReleaseDecisions) async throws -> [PreparedMessage] {
        var metadata: [Int64: (conversation: String, direction: String, type: String?)] = [:]
        for try await (position, conversation, direction, type) in try await store.client.query(
            """
            SELECT position, conversation_id, direction, message_type FROM conversation_messages
            WHERE ledger_id = \(ledger.id) AND position = ANY(\(positions)::int8[])
            """, logger: store.logger
        ).decode((Int64, String, String, String?).self) { metadata[position] = (conversation, direction, type) }
        var media: [Int64: [(id: String, mimeType: String?)]] = [:]
        for try await (position, id, mime) in try await store.client.query(
            """
            SELECT message_position, media_id, mime_type FROM media
            WHERE ledger_id = \(ledger.id) AND message_position = ANY(\(positions)::int8[]) AND state = 'stored'
            ORDER BY message_position, media_id
            """, logger: store.logger
        ).decode((Int64, String, String?).self) { media[position, default: []].append((id, mime)) }
        let entries = try await store.openedEntries(ledger: ledger, positions: positions)
        let proofs = try await store.inclusionProofs(ledger: ledger, positions: positions, treeSize: treeSize)
        var prepared: [PreparedMessage] = []
        prepared.reserveCapacity(entries.count)
        for opened in entries {
            let fields = opened.entry.fields
            let position = fields.position
            guard let meta = metadata[position] else { throw ExportSourceError.notMessages(positions: [position]) }
            let type = meta.type ?? "text"
            let names = names[meta.conversation] ?? ("\(agency)", "a member of the public")
            let inbound = meta.direction != "outbound"
            let state = try Self.state(of: opened, type: type, decisions: decisions)
            let message = ExportMessage(
                recordID: "\(fields.stream)@\(fields.occurredAt.monthPeriod)", conversationID: meta.conversation, entry: fields,
                previousHash: opened.entry.previousHash, proof: proofs[position] ?? [], direction: inbound ? .inbound : .outbound,
                messageType: type, author: inbound ? names.citizen : names.agency, recipients: [inbound ? names.agency : names.citizen],
                state: state)
            prepared.append(
                PreparedMessage(
                    message: message, mediaIDs: decisions.withheld[position] == nil ? media[position] ?? [] : [],
                    mediaWithheld: decisions.withheldMedia[position]))
        }
        return prepared
    }

    /// The message with its media files, read from the archive now (one message's at a time).
    public func withMedia(_ prepared: PreparedMessage) async throws -> ExportMessage {
        var message = prepared.message
        let position = message.entry.position
        for (id, mime) in prepared.mediaIDs {
            let name = Self.mediaName(position: position, id: id, mimeType: mime)
            if let exemption = prepared.mediaWithheld {
                message.media.append(ExportMediaFile(name: name, withheld: exemption) { [] })
                continue
            }
            guard case .stored(let stored, _) = try await MediaLookup(store: store).media(ledger: ledger.name, id: id) else {
                throw ExportSourceError.contentUnavailable(position: position, reason: "its media \(id) is no longer in the archive")
            }
            let bytes = stored.bytes
            message.media.append(ExportMediaFile(name: name) { bytes })
        }
        return message
    }

    /// What the recipient gets of a message.
    static func state(of opened: OpenedEntry, type: String, decisions: ExportReleaseDecisions) throws -> ExportReleaseState {
        let position = opened.entry.fields.position
        if let exemption = decisions.withheld[position] { return .withheld(exemption) }
        let salt: [UInt8]
        let bytes: [UInt8]
        switch opened.payload {
        case .opened(let s, let b): (salt, bytes) = (s, b)
        case .destroyed(let by): throw ExportSourceError.contentUnavailable(position: position, reason: "it was destroyed (position \(by))")
        case .sealed: throw ExportSourceError.contentUnavailable(position: position, reason: "no master key is configured to open it")
        case .unavailable(let why): throw ExportSourceError.contentUnavailable(position: position, reason: why)
        }
        let (text, pointer) = Self.text(of: bytes, eventType: opened.entry.fields.eventType, type: type)
        if let spans = decisions.redactions[position], !spans.isEmpty {
            return .redacted(try ExportReleaseDecisions.parts(of: text, redacting: spans, position: position))
        }
        return .released(payload: bytes, salt: salt, text: text, textPointer: pointer)
    }

    /// A message's text and its JSON Pointer in the payload: the body of a text message, the
    /// caption of a media message; empty (no pointer) for other types. An inbound payload holds
    /// the `message` object (docs/whatsapp-ingest.md); an outbound request is the Graph body.
    public static func text(of payload: [UInt8], eventType: String, type: String) -> (String, String?) {
        guard let document = try? JSONValue.parse(payload) else { return ("", nil) }
        let outbound = eventType == EventType.Outbound.sendRequested
        let base = outbound ? "" : "/message"
        guard let object = outbound ? document : document["message"] else { return ("", nil) }
        if type == "text", let body = object["text"]?["body"]?.string { return (body, base + "/text/body") }
        if let caption = object[type]?["caption"]?.string, !type.contains("/"), !type.contains("~") {
            return (caption, base + "/\(type)/caption")
        }
        return ("", nil)
    }

    /// `p<position>-<media id, letters, digits, '.', '_' and '-' only>.<extension of the type>`.
    public static func mediaName(position: Int64, id: String, mimeType: String?) -> String {
        let safe = String(id.unicodeScalars.prefix(40).map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) ? Character($0) : "_" })
        let ext: String =
            switch mimeType?.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            case "image/jpeg": "jpg"
            case "image/png": "png"
            case "image/webp": "webp"
            case "application/pdf": "pdf"
            case "audio/ogg": "ogg"
            case "audio/mpeg": "mp3"
            case "video/mp4": "mp4"
            case "text/plain": "txt"
            default: "bin"
            }
        return "p\(position)-\(safe).\(ext)"
    }
}
