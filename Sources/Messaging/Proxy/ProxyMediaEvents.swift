import Events
import Foundation
public import Ledger
public import LedgerStore
import RecordkeeperCore
public import WhatsApp

/// The ledger events of the recording proxy's media requests (docs/api.md, "Recording proxy"):
/// uploads (`POST /{phone-number-id}/media`) and metadata lookups (`GET /{media-id}`). Pure: the
/// caller appends.
///
/// Each request is one `….requested` event written before it is forwarded and one outcome event
/// with Meta's exact answer bytes (or why none came). Message sends use the outbound catalog
/// (``OutboundEvents``) instead.
public enum ProxyMediaEvents {
    /// `media.upload.requested`: payload = the exact multipart body the integration sent.
    public static let uploadRequested = EventType.ProxyMedia.uploadRequested
    /// `media.upload.accepted`: Meta answered 2xx (payload: its exact answer, `{"id":…}`).
    public static let uploadAccepted = EventType.ProxyMedia.uploadAccepted
    /// `media.upload.failed`: Meta refused (payload: its exact answer) or did not answer.
    public static let uploadFailed = EventType.ProxyMedia.uploadFailed
    /// `media.metadata.requested`: an integration asked for a media's URL (no payload but the request line).
    public static let metadataRequested = EventType.ProxyMedia.metadataRequested
    /// `media.metadata.answered`: Meta's answer, whatever its status (payload: its exact bytes).
    public static let metadataAnswered = EventType.ProxyMedia.metadataAnswered
    /// `media.metadata.failed`: no answer came from Meta.
    public static let metadataFailed = EventType.ProxyMedia.metadataFailed

    /// Every type of this catalog.
    public static let all: Set<String> = [uploadRequested, uploadAccepted, uploadFailed, metadataRequested, metadataAnswered, metadataFailed]

    /// `wa-outbound-media/<phone_number_id>`: a business number's uploads.
    public static func uploadStream(phoneNumberID: String) -> String {
        "wa-outbound-media/\(streamComponent(phoneNumberID))"
    }

    /// `wa-outbound-media/lookups`: metadata lookups (they name no business number).
    public static let lookupStream = "wa-outbound-media/lookups"

    /// `media.upload.requested`.
    /// - Parameters:
    ///   - contentType: the request's `Content-Type` (with the multipart boundary).
    ///   - body: the exact body bytes, forwarded unchanged.
    public static func uploadRequested(
        requestID: String, phoneNumberID: String, version: String, contentType: String?, body: [UInt8], caller: OutboundCaller,
        occurredAt: LedgerTimestamp = .now()
    ) throws -> NewEvent {
        var header: [String: JSONValue] = [
            "v": .integer(1), "request_id": .string(requestID),
            "phone_number_id": .string(phoneNumberID), "graph_version": .string(version),
            "content_type": contentType.map { .string(String($0.prefix(256))) } ?? .null,
            "body_size": .integer(Int64(body.count)), "body_sha256": .string(WebhookDelivery.sha256Hex(body)),
        ]
        header.merge(caller.headerMembers) { $1 }
        return NewEvent(
            stream: uploadStream(phoneNumberID: phoneNumberID), eventType: uploadRequested, occurredAt: occurredAt,
            actor: caller.actor, dedupeKey: "proxy:req:\(requestID)", header: try text(header), payload: body)
    }

    /// `media.upload.accepted` (2xx) or `media.upload.failed` (another answer, or none).
    public static func uploadOutcome(
        requestID: String, requestPosition: Int64, phoneNumberID: String, caller: OutboundCaller, response: GraphResponse?, error: GraphError?,
        occurredAt: LedgerTimestamp = .now()
    ) throws -> NewEvent {
        var header = outcomeHeader(requestID: requestID, requestPosition: requestPosition, caller: caller, response: response, error: error)
        header["phone_number_id"] = .string(phoneNumberID)
        let accepted = response.map { (200..<300).contains($0.status) } ?? false
        if accepted, let response, let json = try? JSONValue.parse(response.body), let id = json.text("id") {
            header["media_id"] = .string(String(id.prefix(256)))
        }
        return NewEvent(
            stream: uploadStream(phoneNumberID: phoneNumberID), eventType: accepted ? uploadAccepted : uploadFailed, occurredAt: occurredAt,
            actor: caller.actor, dedupeKey: "proxy:outcome:\(requestID)", header: try text(header),
            payload: try outcomePayload(response: response, error: error))
    }

    /// `media.metadata.requested`: payload `{"v":1,"method":"GET","path":…}` (the path below the
    /// Graph root, with the query).
    public static func metadataRequested(
        requestID: String, mediaID: String, path: String, integration: String, occurredAt: LedgerTimestamp = .now()
    ) throws -> NewEvent {
        let header: [String: JSONValue] = [
            "v": .integer(1), "request_id": .string(requestID), "via": .string("proxy"), "integration": .string(integration),
            "media_id": .string(mediaID),
        ]
        let payload: JSONValue = .object(["v": .integer(1), "method": .string("GET"), "path": .string(path)])
        return NewEvent(
            stream: lookupStream, eventType: metadataRequested, occurredAt: occurredAt, actor: actor(integration),
            dedupeKey: "proxy:req:\(requestID)", header: try text(header), payload: try payload.encoded())
    }

    /// `media.metadata.answered` (any answer) or `media.metadata.failed` (none).
    public static func metadataOutcome(
        requestID: String, requestPosition: Int64, mediaID: String, integration: String, response: GraphResponse?, error: GraphError?,
        occurredAt: LedgerTimestamp = .now()
    ) throws -> NewEvent {
        var header = outcomeHeader(
            requestID: requestID, requestPosition: requestPosition, caller: .integration(integration), response: response, error: error)
        header["media_id"] = .string(mediaID)
        return NewEvent(
            stream: lookupStream, eventType: response == nil ? metadataFailed : metadataAnswered, occurredAt: occurredAt,
            actor: actor(integration), dedupeKey: "proxy:outcome:\(requestID)", header: try text(header),
            payload: try outcomePayload(response: response, error: error))
    }

    /// `integration:<name>`: the actor of everything an integration sends.
    public static func actor(_ integration: String) -> String { "integration:\(integration)" }

    // MARK: Shared parts

    static func outcomeHeader(
        requestID: String, requestPosition: Int64, caller: OutboundCaller, response: GraphResponse?, error: GraphError?
    ) -> [String: JSONValue] {
        let graph = response.flatMap { (200..<300).contains($0.status) ? nil : GraphErrorBody(json: $0.body) }
        var header: [String: JSONValue] = [
            "v": .integer(1), "request_id": .string(requestID), "request_position": .integer(requestPosition),
            "http_status": response.map { .integer(Int64($0.status)) } ?? .null,
            "content_type": response?.contentType.map { .string(String($0.prefix(256))) } ?? .null,
        ]
        header.merge(caller.headerMembers) { $1 }
        if let graph {
            header["error_code"] = graph.code.map { .integer(Int64($0)) } ?? .null
            header["fbtrace_id"] = graph.fbtraceID.map { .string(String($0.prefix(128))) } ?? .null
        }
        if response == nil { header["reason"] = .string(error?.kind.rawValue ?? "no_answer") }
        return header
    }

    static func outcomePayload(response: GraphResponse?, error: GraphError?) throws -> [UInt8] {
        if let response { return response.body }
        return try JSONValue.object(["v": .integer(1), "error": .string(error?.description ?? "no answer")]).encoded()
    }

    static func text(_ header: [String: JSONValue]) throws -> String {
        String(decoding: try JSONValue.object(header).encoded(), as: UTF8.self)
    }

    static func streamComponent(_ identifier: String) -> String {
        guard identifier.utf8.count > 200 else { return identifier }
        return "h:" + WebhookDelivery.sha256Hex(Array(identifier.utf8))
    }
}
