import Foundation
import Ledger
import LedgerStore
import Messaging
import TestGraphServer
import TestSupport
import Testing
import WhatsApp

/// The ledger the media tests write to.
let mediaLedger = "main"

/// A pending-media source over a list: hands out each media once, when asked.
actor ListPendingMediaSource: PendingMediaSource {
    private var waiting: [PendingMedia]
    private(set) var calls = 0

    init(_ media: [PendingMedia] = []) { waiting = media }

    func add(_ media: PendingMedia) { waiting.append(media) }

    func due(ledger: String, now: LedgerTimestamp, limit: Int) async throws -> [PendingMedia] {
        calls += 1
        let batch = waiting.filter { $0.ledger == ledger }.prefix(limit)
        waiting.removeAll { item in batch.contains(item) }
        return Array(batch)
    }
}

/// An archiver whose Graph client talks to the fake server.
func mediaArchiver(_ graph: TestGraphServer, timeout: Duration = .seconds(10), policy: MediaRetryPolicy = MediaRetryPolicy()) throws -> MediaArchiver {
    let configuration = try GraphAPIConfiguration(
        baseURL: graph.baseURL, accessToken: TestGraphServer.accessToken, requestTimeout: timeout, downloadTimeout: timeout
    )
    return MediaArchiver(
        client: GraphMediaClient(configuration: configuration, logger: ScratchDatabase.logger), policy: policy, logger: ScratchDatabase.logger
    )
}

/// Appends a `whatsapp.message.received` event that carries `media` (as ingest would) and returns
/// the pending media pointing at it.
func appendMediaMessage(
    _ media: RegisteredMedia, store: LedgerStore, receivedAt: LedgerTimestamp = .now(), webhookURL: Bool = true, attempts: Int = 0
) async throws -> PendingMedia {
    let messageID = "wamid.\(UUID().uuidString)"
    let stream = "wa/106540352242922/p:16505551234"
    let header = #"{"v":1,"direction":"inbound","message_id":"\#(messageID)","message_type":"image","media_id":"\#(media.id)"}"#
    let payload =
        #"{"v":1,"message":{"id":"\#(messageID)","type":"image","image":{"id":"\#(media.id)","sha256":"\#(media.sha256Base64)","mime_type":"\#(media.mimeType)"}}}"#
    let receipt = try await store.append(
        NewEvent(
            stream: stream, eventType: "whatsapp.message.received", occurredAt: receivedAt, actor: "whatsapp:default",
            dedupeKey: "wa:msg:\(messageID)", header: header, payload: Array(payload.utf8)),
        to: mediaLedger
    )
    return PendingMedia(
        ledger: mediaLedger, mediaID: media.id, messageID: messageID, stream: stream, messagePosition: receipt.position,
        receivedAt: receivedAt, webhookURL: webhookURL ? media.url : nil, metaSHA256: media.sha256Base64, mimeType: media.mimeType,
        attempts: attempts
    )
}

/// Every entry of the media ledger of one event type, with its payload bytes.
func recordedEvents(_ type: String, store: LedgerStore) async throws -> [(entry: EntryFields, payload: [UInt8])] {
    var found: [(entry: EntryFields, payload: [UInt8])] = []
    for try await record in store.records(ledger: mediaLedger) where record.entry.fields.eventType == type {
        guard case let .bytes(bytes) = record.payload else { throw PayloadNotReadable(position: record.entry.fields.position) }
        found.append((record.entry.fields, bytes))
    }
    return found
}

struct PayloadNotReadable: Error, CustomStringConvertible {
    var position: Int64
    var description: String { "the payload at position \(position) could not be read back" }
}

/// A JSON object (header or payload) as a dictionary.
func jsonObject(_ text: some StringProtocol) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

/// Text-like bytes that zstd shrinks well.
func compressibleMedia(_ count: Int = 200_000) -> [UInt8] {
    var bytes: [UInt8] = []
    var line = 0
    while bytes.count < count {
        bytes += Array("line \(line % 50): the council minutes of the planning committee\n".utf8)
        line += 1
    }
    return Array(bytes.prefix(count))
}

/// Random bytes (like a JPEG, they do not compress).
func randomMedia(_ count: Int = 50_000) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
}
