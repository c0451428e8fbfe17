import Events
public import Ledger
public import LedgerStore
import RecordkeeperCore

/// The events of legal holds, on stream `retention/holds` (docs/records-officer.md, "Legal holds").
///
/// - `retention.hold.placed`: header `{"v":1,"hold":"H-<n>","type":…,"role":…,"scope":[member
///   names]}`; payload `{"v":1,"hold","type","role","matter","custodian","reason","scope":{…}}`
///   (the scope's values: conversation ids, citizen keys, business numbers, teams, dates).
/// - `retention.hold.released`: header `{"v":1,"hold":"H-<n>","role":…}`; payload
///   `{"v":1,"hold","role","reason"}`.
///
/// Retained headers are kept for ever in clear, so they never name a citizen or carry free text:
/// the matter, custodian, reason and scope values are in the (encrypted) payload.
public enum LegalHoldEvents {
    /// The stream of every hold placed and released.
    public static let stream = "retention/holds"

    /// `retention.hold.placed` for hold `id`. Its dedupe key is the id, so two placements that
    /// picked the same id record one.
    public static func placed(
        id: String, request: LegalHoldRequest, role: String, actor: String, occurredAt: LedgerTimestamp = .now()
    ) throws -> NewEvent {
        let header: JSONValue = .object([
            "v": .integer(1), "hold": .string(id), "type": .string(request.type.rawValue), "role": .string(role),
            "scope": .array(request.scope.memberNames.map(JSONValue.string)),
        ])
        let payload: JSONValue = .object([
            "v": .integer(1), "hold": .string(id), "type": .string(request.type.rawValue), "role": .string(role),
            "matter": .string(request.matter), "custodian": .string(request.custodian), "reason": .string(request.reason),
            "scope": request.scope.json,
        ])
        return NewEvent(
            stream: stream, eventType: EventType.Retention.holdPlaced, occurredAt: occurredAt, actor: actor,
            dedupeKey: "retention:hold:\(id)", header: String(decoding: try header.encoded(), as: UTF8.self), payload: try payload.encoded())
    }

    /// `retention.hold.released` for hold `id`. Its dedupe key makes a hold released once.
    public static func released(
        id: String, reason: String, role: String, actor: String, occurredAt: LedgerTimestamp = .now()
    ) throws
        -> NewEvent
    {
        let header: JSONValue = .object(["v": .integer(1), "hold": .string(id), "role": .string(role)])
        let payload: JSONValue = .object(["v": .integer(1), "hold": .string(id), "role": .string(role), "reason": .string(reason)])
        return NewEvent(
            stream: stream, eventType: EventType.Retention.holdReleased, occurredAt: occurredAt, actor: actor,
            dedupeKey: "retention:hold:\(id):released", header: String(decoding: try header.encoded(), as: UTF8.self),
            payload: try payload.encoded())
    }
}
