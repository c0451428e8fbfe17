public import Deadlines
import Events
public import Foundation
public import Ledger
public import LedgerStore
public import RecordkeeperCore

/// The events of public-records requests, one stream per request, `requests/<id>`
/// (docs/public-records.md, "Events"; docs/events.md).
///
/// Every retained header is `{"v":1,"request":"PRR-<year>-<n>","status":…}` plus dates (`YYYY-MM-DD`,
/// in the agency's time zone, or ISO 8601 times), amounts in cents and codes (channel, reason,
/// outcome). Retained headers are kept for ever in clear, so they never hold the requester's
/// identity or any text: the request's text, the requester, reasons, notes, questions and answers
/// are in the (encrypted) payload, which repeats the header's members.
public enum RequestEvents {
    /// The stream of request `id`.
    public static func stream(_ id: String) -> String { "requests/\(id)" }

    /// `request.received`. Its dedupe key is the id, so two opens that took one number record one.
    public static func received(
        id: String, request: NewRecordsRequest, receivedAt: Date, explanation: DueDateExplanation, actor: String, occurredAt: LedgerTimestamp
    ) throws -> NewEvent {
        var requester: [String: JSONValue] = [:]
        if let name = request.requester.name { requester["name"] = .string(name) }
        if let contact = request.requester.contact { requester["contact"] = .string(contact) }
        var extra: [String: JSONValue] = ["text": .string(request.text), "explanation": explanation.json]
        if !requester.isEmpty { extra["requester"] = .object(requester) }
        return try event(
            EventType.Requests.received, id: id,
            header: [
                "status": .string(RequestStatus.open.rawValue), "channel": .string(request.channel.rawValue),
                "received_at": .string(DueDateExplanation.iso(receivedAt)), "due_date": .string(explanation.dueDate.description),
                "time_zone": .string(explanation.timeZone),
            ], payload: extra, actor: actor, occurredAt: occurredAt, dedupeKey: "requests:\(id)")
    }

    /// One event of request `id`: the header's members with `"v":1` and the request, the payload
    /// the header's members and `payload`'s.
    public static func event(
        _ type: String, id: String, header: [String: JSONValue], payload: [String: JSONValue] = [:], actor: String, occurredAt: LedgerTimestamp,
        dedupeKey: String? = nil
    ) throws -> NewEvent {
        var head = header
        head["v"] = .integer(1)
        head["request"] = .string(id)
        var body = head
        for (key, value) in payload { body[key] = value }
        return NewEvent(
            stream: stream(id), eventType: type, occurredAt: occurredAt, actor: actor, dedupeKey: dedupeKey,
            header: String(decoding: try JSONValue.object(head).encoded(), as: UTF8.self), payload: try JSONValue.object(body).encoded())
    }

    /// Every event type of a request.
    public static let types: Set<String> = Set<String>([
        EventType.Requests.received, EventType.Requests.acknowledged, EventType.Requests.estimateRevised,
        EventType.Requests.clarificationRequested, EventType.Requests.clarificationAnswered, EventType.Requests.statusChanged,
        EventType.Requests.closed, EventType.Requests.appealed, EventType.Requests.appealDecided, EventType.Requests.feeAssessed,
        EventType.Requests.depositPaid, EventType.Requests.searchRun,
    ]).union(RedactionEvents.types).union([EventType.Exports.produced])
}
