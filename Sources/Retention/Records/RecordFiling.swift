import Events
public import Ledger
public import LedgerStore
public import RecordkeeperCore

/// A decision filing a record into a series: the `record.scheduled` event.
///
/// Stream `retention/filing`; header `{"v":1,"record":"<stream>@<period>","series":"<citation>",
/// "source":"rule"|"default"|"manual","rule":"<rule id>"?}` (kept for ever); payload the header
/// with the reason of a filing by hand, or the message position a rule matched.
public struct RecordFiling: Sendable, Hashable {
    /// Who decided.
    public enum Source: String, Sendable, Hashable, CaseIterable {
        /// A filing rule matched one of the record's messages.
        case rule
        /// No rule matched: the catalog's default series (the record is in the needs-filing queue).
        case `default`
        /// A records officer filed it, with a reason.
        case manual
    }

    /// The stream of every filing decision.
    public static let stream = "retention/filing"

    public var record: RetentionRecordID
    /// The series' citation (DAN and revision).
    public var series: String
    public var source: Source
    /// The rule that matched (source `rule`).
    public var rule: String?

    public init(record: RetentionRecordID, series: String, source: Source, rule: String? = nil) {
        self.record = record
        self.series = series
        self.source = source
        self.rule = rule
    }

    /// Reads a `record.scheduled` retained header; nil when it does not fit.
    public init?(header: String) {
        guard let json = try? JSONValue.parse(Array(header.utf8)), let record = json["record"]?.string.flatMap(RetentionRecordID.init),
            let series = json["series"]?.string, !series.isEmpty, let source = json["source"]?.string.flatMap(Source.init(rawValue:))
        else { return nil }
        self.init(record: record, series: series, source: source, rule: json["rule"]?.string)
    }

    var header: JSONValue {
        var members: [String: JSONValue] = [
            "v": .integer(1), "record": .string(record.description), "series": .string(series), "source": .string(source.rawValue),
        ]
        if let rule { members["rule"] = .string(rule) }
        return .object(members)
    }

    /// The `record.scheduled` event.
    /// - Parameters:
    ///   - details: payload members besides the header's (`reason` of a filing by hand, the
    ///     `message_position` a rule matched).
    ///   - dedupeKey: makes a repeated decision (a worker's retry) one entry.
    public func event(
        actor: String, details: [String: JSONValue] = [:], dedupeKey: String? = nil, occurredAt: LedgerTimestamp = .now()
    )
        throws -> NewEvent
    {
        var payload = details
        if case .object(let members) = header { payload.merge(members) { _, new in new } }
        return NewEvent(
            stream: Self.stream, eventType: EventType.Retention.recordScheduled, occurredAt: occurredAt, actor: actor, dedupeKey: dedupeKey,
            header: String(decoding: try header.encoded(), as: UTF8.self), payload: try JSONValue.object(payload).encoded())
    }
}
