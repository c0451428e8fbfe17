import Foundation
import Ledger

/// `export.rsmf`: the installment as Relativity Short Message Format 2.0 for eDiscovery tools, an
/// RFC 5322 message whose one attachment `rsmf.zip` (stored zip) holds `rsmf_manifest.json` and
/// the included media files (docs/export-format.md section 4.5).
///
/// Written with constant memory: each event's JSON is spooled as the message comes, media go into
/// the zip spool at once; at the end the manifest is assembled, zipped, and the zip base64-encoded
/// into the message.
final class RSMFWriter {
    private let directory: URL
    private let conversations: [ExportConversation]
    private let coverLetter: ExportCoverLetter
    private let events: HashingSpool
    private var zip: ZipWriter
    private var eventCount = 0
    private var attachmentCount = 0
    private var first: LedgerTimestamp?
    private var last: LedgerTimestamp?
    private let encoder = JSONEncoder()

    init(directory: URL, conversations: [ExportConversation], coverLetter: ExportCoverLetter) throws {
        self.directory = directory
        self.conversations = conversations
        self.coverLetter = coverLetter
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        events = try HashingSpool(memberPath: "rsmf-events", directory: directory)
        zip = ZipWriter(spool: try HashingSpool(memberPath: "rsmf.zip", directory: directory), time: coverLetter.producedAt)
    }

    struct Custom: Encodable {
        var name: String
        var value: String
    }

    struct Attachment: Encodable {
        var id: String
        var display: String
        var size: Int
    }

    struct Event: Encodable {
        var id: String
        var type = "message"
        var participant: String?
        var conversation: String
        var timestamp: String
        var body: String
        var direction: String
        var attachments: [Attachment]?
        var custom: [Custom]
    }

    /// The participant id of a message's sender: the conversation's agency party for outbound
    /// messages, its first other party for inbound ones.
    private func sender(_ message: ExportMessage) -> String? {
        guard let conversation = conversations.first(where: { $0.id == message.conversationID }) else { return nil }
        let agency = message.direction == .outbound
        return (conversation.parties.first { $0.isAgency == agency } ?? conversation.parties.first)?.id
    }

    /// Adds a message's event; `media` are the included media files' bytes (already checked).
    func add(_ message: ExportMessage, entryHash: LedgerDigest, media: [(String, [UInt8])]) throws {
        var custom = [
            Custom(name: "record_id", value: message.recordID), Custom(name: "ledger_position", value: String(message.entry.position)),
            Custom(name: "entry_sha256", value: entryHash.hex), Custom(name: "release", value: message.state.name),
        ]
        var body = message.releasedText ?? ""
        switch message.state {
        case .redacted:
            for redaction in message.redactions {
                custom.append(Custom(name: "redaction", value: "\(redaction.exemption.citation) — \(redaction.exemption.explanation)"))
            }
        case .withheld(let exemption):
            body = "[withheld in full: \(exemption.citation) — \(exemption.explanation)]"
            custom.append(Custom(name: "withheld", value: "\(exemption.citation) — \(exemption.explanation)"))
        case .released:
            break
        }
        for file in message.media {
            if let exemption = file.withheld {
                custom.append(Custom(name: "withheld_attachment", value: "\(file.name): \(exemption.citation) — \(exemption.explanation)"))
            }
        }
        var attachments: [Attachment] = []
        for (name, bytes) in media {
            try zip.add(name: name, bytes: bytes)
            attachments.append(Attachment(id: name, display: name, size: bytes.count))
            attachmentCount += 1
        }
        let event = Event(
            id: "p\(message.entry.position)", participant: sender(message), conversation: message.conversationID,
            timestamp: message.entry.occurredAt.description, body: body, direction: message.direction == .inbound ? "incoming" : "outgoing",
            attachments: attachments.isEmpty ? nil : attachments, custom: custom)
        try events.write(eventCount == 0 ? event.json : [UInt8(ascii: ",")] + event.json)
        eventCount += 1
        if first == nil { first = message.entry.occurredAt }
        last = max(last ?? message.entry.occurredAt, message.entry.occurredAt)
        first = min(first!, message.entry.occurredAt)
    }

    struct Participant: Encodable {
        var id: String
        var display: String
    }

    struct Conversation: Encodable {
        var id: String
        var platform = "whatsapp"
        var participants: [String]
        var display: String
        var type = "direct"
        var custodian: String?
    }

    /// Finishes the zip and writes the message into a spool named `export.rsmf`.
    func finish() throws -> HashingSpool {
        var participants: [Participant] = []
        for conversation in conversations {
            for party in conversation.parties where !participants.contains(where: { $0.id == party.id }) {
                participants.append(Participant(id: party.id, display: party.displayName))
            }
        }
        let rsmfConversations = conversations.map { conversation in
            Conversation(
                id: conversation.id, participants: conversation.parties.map(\.id), display: conversation.title,
                custodian: conversation.parties.first { $0.isAgency }?.id)
        }
        let head =
            "{\"version\":\"2.0.0\",\"participants\":" + String(decoding: try encoder.encode(participants), as: UTF8.self)
            + ",\"conversations\":" + String(decoding: try encoder.encode(rsmfConversations), as: UTF8.self) + ",\"events\":["
        let tail = "]}\n"
        let eventsRecord = try events.close()
        var crc = CRC32()
        crc.update(Array(head.utf8))
        try events.copyContents { crc.update($0) }
        crc.update(Array(tail.utf8))
        let size = UInt64(head.utf8.count) + eventsRecord.size + UInt64(tail.utf8.count)
        try zip.add(name: "rsmf_manifest.json", size: size, crc: crc.value) { sink in
            try sink(Array(head.utf8))
            try events.copyContents(sink)
            try sink(Array(tail.utf8))
        }
        try zip.finish()
        _ = try zip.spool.close()

        let message = try HashingSpool(memberPath: "export.rsmf", directory: directory)
        let boundary = "recordkeeper-rsmf-boundary-0"
        func header(_ name: String, _ value: String) -> String { "\(name): \(value)\r\n" }
        var text = header("From", "\"\(Self.headerSafe(coverLetter.agency))\" <records@invalid>")
        text += header("Subject", Self.headerSafe(coverLetter.subject.prefix(1).uppercased() + coverLetter.subject.dropFirst()))
        text += header("Date", Self.rfc5322Date(coverLetter.producedAt))
        text += header("MIME-Version", "1.0")
        text += header("X-RSMF-Version", "2.0.0")
        text += header("X-RSMF-Generator", "Recordkeeper")
        text += header("X-RSMF-Application", "WhatsApp")
        text += header("X-RSMF-EventCount", String(eventCount))
        text += header("X-RSMF-AttachmentCount", String(attachmentCount))
        if let first, let last {
            text += header("X-RSMF-BeginDate", first.description)
            text += header("X-RSMF-EndDate", last.description)
        }
        text += header("Content-Type", "multipart/mixed; boundary=\"\(boundary)\"")
        text += "\r\n--\(boundary)\r\n" + header("Content-Type", "text/plain; charset=utf-8") + "\r\n"
        text +=
            "\(Self.headerSafe(coverLetter.agency)): \(Self.headerSafe(coverLetter.subject)), \(eventCount) messages.\r\n"
        text += "\r\n--\(boundary)\r\n" + header("Content-Type", "application/zip") + header("Content-Transfer-Encoding", "base64")
        text += header("Content-Disposition", "attachment; filename=\"rsmf.zip\"") + "\r\n"
        try message.write(text)
        // Base64 in lines of 76 characters (RFC 2045), 57 input bytes per line.
        var carry: [UInt8] = []
        try zip.spool.copyContents { chunk in
            carry += chunk
            let whole = carry.count / 57 * 57
            var index = 0
            var out = ""
            while index < whole {
                out += Data(carry[index..<(index + 57)]).base64EncodedString() + "\r\n"
                index += 57
            }
            carry.removeFirst(whole)
            try message.write(out)
        }
        if !carry.isEmpty { try message.write(Data(carry).base64EncodedString() + "\r\n") }
        try message.write("--\(boundary)--\r\n")
        return message
    }

    /// Header text without line breaks or quotes.
    static func headerSafe(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != "\"" }.map(Character.init))
    }

    /// `Mon, 01 Jun 2026 12:00:00 +0000`.
    static func rfc5322Date(_ time: LedgerTimestamp) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: time.date)
    }
}
