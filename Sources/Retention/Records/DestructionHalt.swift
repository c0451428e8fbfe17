import Events
public import Ledger
public import LedgerStore
import RecordkeeperCore

/// An authorised destruction that was not carried out for some of its records: the
/// `retention.destruction.halted` event.
///
/// When a run resumes an authority whose keys were not all destroyed (the process stopped between
/// appending `record.destroyed` and committing) and a hold now covers some of its records, those
/// records are kept and this event says so. Stream `retention/destruction`; retained header
/// `{"v":1,"authorisation":<record.destroyed position>,"data_key_ids":[…],"holds":[hold ids]}`.
public struct DestructionHalt: Sendable, Hashable {
    /// The stream of destruction authorities (`record.destroyed`) and halts.
    public static let stream = "retention/destruction"

    /// The `record.destroyed` entry whose keys are kept.
    public var authorisation: Int64
    /// The keys not destroyed.
    public var dataKeyIDs: [Int64]
    /// The holds that cover their records.
    public var holds: [String]

    public init(authorisation: Int64, dataKeyIDs: [Int64], holds: [String]) {
        self.authorisation = authorisation
        self.dataKeyIDs = dataKeyIDs
        self.holds = holds
    }

    /// Reads a `retention.destruction.halted` header; nil when it does not fit.
    public init?(header: String) {
        guard let json = try? JSONValue.parse(Array(header.utf8)), let authorisation = json["authorisation"]?.integer else { return nil }
        self.init(
            authorisation: authorisation, dataKeyIDs: json["data_key_ids"]?.array?.compactMap(\.integer) ?? [],
            holds: json["holds"]?.array?.compactMap(\.string) ?? [])
    }

    /// The event.
    public func event(actor: String, occurredAt: LedgerTimestamp = .now()) throws -> NewEvent {
        let header: JSONValue = .object([
            "v": .integer(1), "authorisation": .integer(authorisation), "data_key_ids": .array(dataKeyIDs.map(JSONValue.integer)),
            "holds": .array(holds.map(JSONValue.string)),
        ])
        let text = String(decoding: try header.encoded(), as: UTF8.self)
        return NewEvent(
            stream: Self.stream, eventType: EventType.Retention.destructionHalted, occurredAt: occurredAt, actor: actor,
            dedupeKey: "retention:halted:\(authorisation)", header: text, payload: Array(text.utf8))
    }
}
