import Events
public import Foundation
public import Ledger
public import LedgerStore
import RecordkeeperCore
public import Retention

/// The events of disposition, on stream `retention/disposition` (docs/records-officer.md,
/// "Disposition"). Retained headers name lists, series, counts and digests, never a record id
/// (a record id holds the citizen's key); record ids, reasons and references are in the payload.
public enum DispositionEvents {
    /// The stream of every disposition event.
    public static let stream = "retention/disposition"

    /// What a list does with its records once approved.
    public enum Action: String, Sendable, Hashable, CaseIterable {
        case destroy
        case transfer
    }

    /// A decision on records of a list.
    public enum Decision: String, Sendable, Hashable, CaseIterable {
        /// Kept: taken off the list, with a reason.
        case exclude
        /// Taken off the list until a date, with a reason; a later run may list it again then.
        case `defer`
        /// Confirmed for disposition (lists of series whose final action is `review`).
        case confirm

        /// The state of a list item after this decision.
        var itemState: String {
            switch self {
            case .exclude: "excluded"
            case .defer: "deferred"
            case .confirm: "confirmed"
            }
        }
    }

    /// The SHA-256 (hex) of the sorted record ids joined by "\n": a list's `digest`.
    public static func digest(_ records: [RetentionRecordID]) -> String {
        LedgerDigest.sha256(Array(records.map(\.description).sorted().joined(separator: "\n").utf8)).hex
    }

    /// `retention.disposition.listed`: header `{"v":1,"list","series","action","records","digest"}`,
    /// payload the header with `records` (the ids, sorted) as `record_ids` and `review` (whether
    /// every record needs a decision).
    public static func listed(
        list: String, series: String, action: Action, review: Bool, records: [RetentionRecordID], actor: String, occurredAt: LedgerTimestamp
    ) throws -> NewEvent {
        let ids = records.map(\.description).sorted()
        let header: [String: JSONValue] = [
            "v": .integer(1), "list": .string(list), "series": .string(series), "action": .string(action.rawValue),
            "records": .integer(Int64(ids.count)), "digest": .string(digest(records)),
        ]
        var payload = header
        payload["record_ids"] = .array(ids.map(JSONValue.string))
        payload["review"] = .bool(review)
        return try event(
            EventType.Retention.dispositionListed, header: header, payload: payload, actor: actor, dedupeKey: "retention:disposition:listed:\(list)",
            occurredAt: occurredAt)
    }

    /// `retention.disposition.reviewed`: header `{"v":1,"list","decision","records"}`, payload
    /// the header with `record_ids`, `reason` and `until` (deferrals, ISO 8601).
    public static func reviewed(
        list: String, decision: Decision, records: [RetentionRecordID], reason: String, until: Date?, actor: String, occurredAt: LedgerTimestamp
    ) throws -> NewEvent {
        let header: [String: JSONValue] = [
            "v": .integer(1), "list": .string(list), "decision": .string(decision.rawValue), "records": .integer(Int64(records.count)),
        ]
        var payload = header
        payload["record_ids"] = .array(records.map { .string($0.description) })
        payload["reason"] = .string(reason)
        if let until { payload["until"] = .string(ISO8601DateFormatter().string(from: until)) }
        return try event(EventType.Retention.dispositionReviewed, header: header, payload: payload, actor: actor, dedupeKey: nil, occurredAt: occurredAt)
    }

    /// `retention.disposition.approved`: header `{"v":1,"list","approval","required"}` (approval
    /// `n` of `m`); the payload is the header. One approval per person and list (dedupe key).
    public static func approved(list: String, approval: Int, required: Int, actor: String, occurredAt: LedgerTimestamp) throws -> NewEvent {
        let header: [String: JSONValue] = [
            "v": .integer(1), "list": .string(list), "approval": .integer(Int64(approval)), "required": .integer(Int64(required)),
        ]
        return try event(
            EventType.Retention.dispositionApproved, header: header, payload: header, actor: actor,
            dedupeKey: "retention:disposition:approved:\(list):\(actor)", occurredAt: occurredAt)
    }

    /// `records.transferred`: header `{"v":1,"list","records","data_key_ids","archives"}` and
    /// `package_manifest_sha256` when a transfer package was handed over, payload the header with
    /// `record_ids` and `reference` (the archives' transfer reference).
    public static func transferred(
        list: String, records: [RetentionRecordID], dataKeyIDs: [Int64], archives: String, reference: String, packageSHA256: String? = nil,
        actor: String, occurredAt: LedgerTimestamp
    ) throws -> NewEvent {
        var header: [String: JSONValue] = [
            "v": .integer(1), "list": .string(list), "records": .integer(Int64(records.count)),
            "data_key_ids": .array(dataKeyIDs.sorted().map(JSONValue.integer)), "archives": .string(archives),
        ]
        if let packageSHA256 { header["package_manifest_sha256"] = .string(packageSHA256) }
        var payload = header
        payload["record_ids"] = .array(records.map { .string($0.description) })
        payload["reference"] = .string(reference)
        return try event(
            EventType.Retention.recordsTransferred, header: header, payload: payload, actor: actor,
            dedupeKey: "retention:disposition:transferred:\(list)", occurredAt: occurredAt)
    }

    private static func event(
        _ type: String, header: [String: JSONValue], payload: [String: JSONValue], actor: String, dedupeKey: String?, occurredAt: LedgerTimestamp
    ) throws -> NewEvent {
        NewEvent(
            stream: stream, eventType: type, occurredAt: occurredAt, actor: actor, dedupeKey: dedupeKey,
            header: String(decoding: try JSONValue.object(header).encoded(), as: UTF8.self), payload: try JSONValue.object(payload).encoded())
    }
}
