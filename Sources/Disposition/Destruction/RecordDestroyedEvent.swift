import Events
public import Foundation
public import Ledger
public import LedgerStore
import RecordkeeperCore
public import Retention

/// The authority for destroying a batch of records: the `record.destroyed` event.
///
/// Stream `retention/destruction`; retained header (kept for ever, in clear)
/// `{"v":1,"data_key_ids":[…],"records":n,"list":…,"series":"<citation>","dan":…,"revision":n,
/// "approvals":[positions],"method":"crypto-shred"}`: the data keys the database door may destroy
/// under it, how many records they seal, and the approved disposition list, series and approvals
/// that authorise it. The payload holds the record ids and the approvers. The destroyed entries
/// themselves stay in the ledger with their own retained headers: what existed, when, and who was
/// party to it.
public struct RecordDestroyedEvent: Sendable, Hashable {
    /// The stream of destruction authorities and halts.
    public static let stream = DestructionHalt.stream
    /// How content is destroyed: the data keys are shredded and every payload they seal deleted.
    public static let method = "crypto-shred"

    public var dataKeyIDs: [Int64]
    public var records: [RetentionRecordID]
    public var list: String
    public var series: String
    public var dan: String
    public var revision: Int
    /// The `retention.disposition.approved` entries.
    public var approvals: [Int64]
    /// Who approved (the approvals' actors).
    public var approvers: [String]

    public init(
        dataKeyIDs: [Int64], records: [RetentionRecordID], list: String, series: String, dan: String, revision: Int, approvals: [Int64],
        approvers: [String]
    ) {
        self.dataKeyIDs = dataKeyIDs
        self.records = records
        self.list = list
        self.series = series
        self.dan = dan
        self.revision = revision
        self.approvals = approvals
        self.approvers = approvers
    }

    /// The retained header.
    var header: JSONValue {
        .object([
            "v": .integer(1), "data_key_ids": .array(dataKeyIDs.map(JSONValue.integer)), "records": .integer(Int64(records.count)),
            "list": .string(list), "series": .string(series), "dan": .string(dan), "revision": .integer(Int64(revision)),
            "approvals": .array(approvals.map(JSONValue.integer)), "method": .string(Self.method),
        ])
    }

    /// The event, appended before the keys are destroyed (the door requires it).
    public func event(actor: String, occurredAt: LedgerTimestamp = .now()) throws -> NewEvent {
        let payload: JSONValue = .object([
            "records": .array(records.map { .string($0.description) }), "approvers": .array(approvers.map(JSONValue.string)),
            "list": .string(list), "series": .string(series),
        ])
        return NewEvent(
            stream: Self.stream, eventType: EventType.Destruction.recordDestroyed, occurredAt: occurredAt, actor: actor,
            header: String(decoding: try header.encoded(), as: UTF8.self), payload: try payload.encoded())
    }
}

/// What a `record.destroyed` retained header says (for resuming, auditing and certificates).
public struct DestructionAuthority: Sendable, Hashable {
    /// The `record.destroyed` entry.
    public var position: Int64
    public var occurredAt: Date
    public var actor: String
    public var dataKeyIDs: [Int64]
    public var records: Int
    public var list: String?
    public var series: String?
    public var dan: String?
    public var revision: Int?
    public var approvals: [Int64]
    public var method: String?

    /// Reads the header of the `record.destroyed` entry at `position`; nil when it is not a JSON object.
    public init?(position: Int64, occurredAt: Date, actor: String, header: String) {
        guard let json = try? JSONValue.parse(Array(header.utf8)), case .object = json else { return nil }
        self.position = position
        self.occurredAt = occurredAt
        self.actor = actor
        dataKeyIDs = json["data_key_ids"]?.array?.compactMap(\.integer) ?? []
        records = Int(json["records"]?.integer ?? 0)
        list = json["list"]?.string
        series = json["series"]?.string
        dan = json["dan"]?.string
        revision = json["revision"]?.integer.map { Int($0) }
        approvals = json["approvals"]?.array?.compactMap(\.integer) ?? []
        method = json["method"]?.string
    }
}

extension DestructionAuthority {
    /// The authorities at `positions` of `ledger` (entries that are not `record.destroyed` or whose
    /// header is not an object are left out: verification reports those).
    public static func all(positions: [Int64], ledger: String, store: LedgerStore) async throws -> [DestructionAuthority] {
        var authorities: [DestructionAuthority] = []
        for position in positions {
            guard let entry = try await store.entry(ledger: ledger, position: position)?.fields,
                entry.eventType == EventType.Destruction.recordDestroyed,
                let authority = DestructionAuthority(position: position, occurredAt: entry.occurredAt.date, actor: entry.actor, header: entry.header)
            else { continue }
            authorities.append(authority)
        }
        return authorities
    }

    /// The citation the header names (`GS2010-001 Rev. 2`), or its series member.
    public var citation: String {
        series ?? dan.map { dan in revision.map { $0 > 0 ? "\(dan) Rev. \($0)" : dan } ?? dan } ?? "no series named"
    }

    /// One line for `recordkeeper verify`: how many payloads this authority destroyed, when, by
    /// whom, under which series and approvals.
    public func summary(payloads: Int64) -> String {
        let when = ISO8601DateFormatter().string(from: occurredAt)
        let approved = approvals.isEmpty ? "" : ", approved at position\(approvals.count == 1 ? "" : "s") \(approvals.map(String.init).joined(separator: ", "))"
        let listed = list.map { ", list \($0)" } ?? ""
        return
            "lawfully destroyed: \(payloads) payload\(payloads == 1 ? "" : "s") under record.destroyed at position \(position) (\(when), \(actor)): \(citation)\(listed)\(approved), \(method ?? "method not named")"
    }

    /// The JSON of `recordkeeper verify --json`.
    public func json(payloads: Int64) -> [String: Any] {
        [
            "authorised_by": position, "payloads": payloads, "occurred_at": ISO8601DateFormatter().string(from: occurredAt), "actor": actor,
            "series": citation, "dan": dan as Any? ?? NSNull(), "list": list as Any? ?? NSNull(), "approvals": approvals,
            "data_key_ids": dataKeyIDs, "records": records, "method": method as Any? ?? NSNull(),
        ]
    }
}
