public import Events
import Foundation
public import Ledger
public import LedgerStore
import RecordkeeperCore
public import WhatsApp

/// Builds the outbound events exactly as docs/whatsapp-ingest.md ("Outbound messages")
/// specifies: streams, dedupe keys, retained headers and payloads. Pure: the caller appends.
public enum OutboundEvents {
    /// `message.send.requested`: the exact Graph request body as payload.
    /// - Parameters:
    ///   - requestID: a new UUID string for this request.
    ///   - body: the exact bytes that are (or will be) sent to Meta.
    ///   - message: `body`, classified.
    ///   - stream: the conversation stream.
    ///   - via: the send API, an automation or the proxy.
    ///   - actor: who asked (`staff:<name>`, `integration:<name>`, `automation:<rule>`, `admin-token`).
    ///   - integration: the proxy's integration name.
    ///   - idempotencyKey: the client's `Idempotency-Key`; with `requestSHA256` (the digest of
    ///     what the client sent) it makes the dedupe key, scoped to `scope`.
    public static func requested(
        requestID: String, body: [UInt8], message: OutboundMessage, phoneNumberID: String, stream: String, via: OutboundVia,
        actor: String, integration: String? = nil, idempotencyKey: String? = nil, requestSHA256: String? = nil, scope: String = "",
        occurredAt: LedgerTimestamp = .now()
    ) throws -> NewEvent {
        var header: [String: JSONValue] = [
            "v": .integer(1), "request_id": .string(requestID), "kind": .string(message.kind), "direction": .string("outbound"),
            "phone_number_id": .string(phoneNumberID), "citizen": WhatsAppIngest.citizen(message.citizen), "via": .string(via.rawValue),
            "body_sha256": .string(WebhookDelivery.sha256Hex(body)), "body_size": .integer(Int64(body.count)),
        ]
        if let integration { header["integration"] = .string(integration) }
        if let replyTo = message.replyTo { header["reply_to"] = .string(String(replyTo.prefix(256))) }
        if let target = message.targetMessageID { header["target_message_id"] = .string(String(target.prefix(256))) }
        if let idempotencyKey { header["idempotency_key"] = .string(String(idempotencyKey.prefix(200))) }
        if let requestSHA256 { header["request_sha256"] = .string(requestSHA256) }
        let dedupe =
            idempotencyKey.map { "send:idem:" + WebhookDelivery.sha256Hex(Array("\(scope)\n\($0)".utf8)) }
            ?? "send:req:\(requestID)"
        return NewEvent(
            stream: stream, eventType: OutboundEventType.sendRequested, occurredAt: occurredAt, actor: actor, dedupeKey: dedupe,
            header: try WhatsAppIngest.text(.object(header)), payload: body)
    }

    /// `message.send.accepted` from Meta's answer (payload: its exact bytes).
    /// - Parameter attempt: the attempt that got the answer (1 for the proxy).
    public static func accepted(
        _ request: SendRequestReference, response: GraphResponse, messageID: String?, messageStatus: String?, attempt: Int, actor: String,
        occurredAt: LedgerTimestamp = .now()
    ) throws -> NewEvent {
        var header = common(request, attempt: attempt)
        header["message_id"] = messageID.map { .string($0) } ?? .null
        header["message_status"] = messageStatus.map { .string($0) } ?? .null
        header["http_status"] = .integer(Int64(response.status))
        header["source"] = .string("graph_response")
        return NewEvent(
            stream: request.stream, eventType: OutboundEventType.sendAccepted, occurredAt: occurredAt, actor: actor,
            dedupeKey: "send:outcome:\(request.requestID)", header: try WhatsAppIngest.text(.object(header)), payload: response.body)
    }

    /// `message.send.accepted` learnt from a status webhook that carried the request's callback
    /// data, when Meta's answer itself never reached us (a timeout, or a crash before it was
    /// recorded). Payload: `{"v":1,"status_position":…}`.
    public static func acceptedByStatus(
        _ request: SendRequestReference, messageID: String, statusPosition: Int64, attempt: Int, actor: String,
        occurredAt: LedgerTimestamp = .now()
    ) throws -> NewEvent {
        var header = common(request, attempt: attempt)
        header["message_id"] = .string(messageID)
        header["message_status"] = .null
        header["source"] = .string("status_webhook")
        header["status_position"] = .integer(statusPosition)
        let payload: JSONValue = .object(["v": .integer(1), "status_position": .integer(statusPosition)])
        return NewEvent(
            stream: request.stream, eventType: OutboundEventType.sendAccepted, occurredAt: occurredAt, actor: actor,
            dedupeKey: "send:outcome:\(request.requestID)", header: try WhatsAppIngest.text(.object(header)), payload: try payload.encoded())
    }

    /// `message.send.failed` (final) or `message.send.attempt_failed` (when `retryAt` is set).
    /// - Parameters:
    ///   - response: Meta's answer, when one came: the payload is its exact bytes (the whole
    ///     error object with `code`, `error_data.details`, `fbtrace_id`).
    ///   - error: why no usable answer came (timeout, connection), when none did.
    public static func failed(
        _ request: SendRequestReference, response: GraphResponse?, error: GraphError?, attempt: Int, retryAt: LedgerTimestamp?,
        actor: String, occurredAt: LedgerTimestamp = .now()
    ) throws -> NewEvent {
        var header = common(request, attempt: attempt)
        let graph = response.flatMap { GraphErrorBody(json: $0.body) }
        header["http_status"] = response.map { .integer(Int64($0.status)) } ?? .null
        header["error_code"] = graph?.code.map { .integer(Int64($0)) } ?? .null
        header["fbtrace_id"] = graph?.fbtraceID.map { .string(String($0.prefix(128))) } ?? .null
        header["reason"] = .string(error?.kind.rawValue ?? "refused")
        if let retryAt { header["retry_at_us"] = .integer(retryAt.microseconds) }
        let payload: [UInt8]
        if let response {
            payload = response.body
        } else {
            payload = try JSONValue.object(["v": .integer(1), "error": .string(error?.description ?? "no answer")]).encoded()
        }
        let isFinal = retryAt == nil
        return NewEvent(
            stream: request.stream, eventType: isFinal ? OutboundEventType.sendFailed : OutboundEventType.sendAttemptFailed,
            occurredAt: occurredAt, actor: actor,
            dedupeKey: isFinal ? "send:outcome:\(request.requestID)" : "send:attempt:\(request.requestID):\(attempt)",
            header: try WhatsAppIngest.text(.object(header)), payload: payload)
    }

    private static func common(_ request: SendRequestReference, attempt: Int) -> [String: JSONValue] {
        [
            "v": .integer(1), "request_id": .string(request.requestID), "request_position": .integer(request.position),
            "kind": .string(request.kind), "direction": .string("outbound"), "phone_number_id": .string(request.phoneNumberID),
            "citizen": WhatsAppIngest.citizen(request.citizen), "attempt": .integer(Int64(attempt)),
        ]
    }
}
