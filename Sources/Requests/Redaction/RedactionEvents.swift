import Events
public import Foundation
import Ledger
public import LedgerStore
import RecordkeeperCore

/// The events of redactions, on the request's stream `requests/<id>` (docs/public-records.md,
/// "Redaction"; docs/events.md).
///
/// Retained headers (kept for ever, in clear) hold the request, its status, the redaction's id,
/// the message's ledger position, what is redacted (a span's offset and length in Unicode scalars,
/// `message`, or a media id), the exemption's code and citation, and a review's outcome: never the
/// message's text, the explanation or a reason, which are in the (encrypted) payload.
public enum RedactionEvents {
    /// Every redaction event type.
    public static let types: Set<String> = [EventType.Redactions.applied, EventType.Redactions.withdrawn, EventType.Redactions.reviewed]

    /// `redaction.applied`; deduplicated per request and redaction id.
    public static func applied(
        request: String, status: RequestStatus, id: String, redaction: NewRedaction, citation: String, explanation: String, actor: String,
        now: Date
    ) throws -> NewEvent {
        var header: [String: JSONValue] = [
            "status": .string(status.rawValue), "redaction": .string(id), "message_position": .integer(redaction.messagePosition),
            "kind": .string(redaction.target.kind), "exemption": .string(redaction.exemption), "citation": .string(citation),
        ]
        switch redaction.target {
        case .span(let start, let length):
            header["span_start"] = .integer(Int64(start))
            header["span_length"] = .integer(Int64(length))
        case .media(let media): header["media_id"] = .string(media)
        case .message: break
        }
        return try RequestEvents.event(
            EventType.Redactions.applied, id: request, header: header, payload: ["explanation": .string(explanation)], actor: actor,
            occurredAt: LedgerTimestamp(now), dedupeKey: "redactions:\(request):\(id)")
    }

    /// `redaction.withdrawn`, with the reason in the payload.
    public static func withdrawn(request: String, status: RequestStatus, id: String, reason: String, actor: String, now: Date) throws -> NewEvent {
        try RequestEvents.event(
            EventType.Redactions.withdrawn, id: request, header: ["status": .string(status.rawValue), "redaction": .string(id)],
            payload: ["reason": .string(reason)], actor: actor, occurredAt: LedgerTimestamp(now))
    }

    /// `redaction.reviewed`: `approved`, or `returned` with the reason in the payload.
    public static func reviewed(
        request: String, status: RequestStatus, id: String, approved: Bool, reason: String?, actor: String, now: Date
    ) throws -> NewEvent {
        var payload: [String: JSONValue] = [:]
        if let reason { payload["reason"] = .string(reason) }
        return try RequestEvents.event(
            EventType.Redactions.reviewed, id: request,
            header: ["status": .string(status.rawValue), "redaction": .string(id), "outcome": .string(approved ? "approved" : "returned")],
            payload: payload, actor: actor, occurredAt: LedgerTimestamp(now))
    }
}
