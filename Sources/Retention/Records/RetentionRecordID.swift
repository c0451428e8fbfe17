public import Ledger

/// A record: one month of one conversation stream (docs/records-officer.md, "What a record is").
///
/// Its text form is `<stream>@<period>`, e.g. `wa/1234567890/p:15551234567@2026-03`: what the
/// CLI and API print and accept, and what `record.scheduled` names.
public struct RetentionRecordID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The conversation stream: `wa/<phone_number_id>/<citizen key>` or `inbox/<conversation id>`.
    public var stream: String
    /// The UTC calendar month, `YYYY-MM`.
    public var period: String

    public init(stream: String, period: String) {
        self.stream = stream
        self.period = period
    }

    /// Parses `<stream>@<period>`; nil when the text is not of that form, the period is not a
    /// month or the stream does not hold records.
    public init?(_ text: String) {
        guard let at = text.lastIndex(of: "@") else { return nil }
        let stream = String(text[..<at])
        let period = String(text[text.index(after: at)...])
        guard Self.isPeriod(period), RecordStream(stream) != nil else { return nil }
        self.init(stream: stream, period: period)
    }

    /// The record an entry of `stream` at `occurredAt` belongs to; nil when the stream holds no records.
    public init?(stream: String, occurredAt: LedgerTimestamp) {
        guard RecordStream(stream) != nil else { return nil }
        self.init(stream: stream, period: occurredAt.monthPeriod)
    }

    public var description: String { "\(stream)@\(period)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.stream, lhs.period) < (rhs.stream, rhs.period)
    }

    /// Whether `text` is `YYYY-MM` with a month from 01 to 12.
    static func isPeriod(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"),
            bytes.enumerated().allSatisfy({ $0.offset == 4 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0.element) })
        else { return false }
        let month = Int(bytes[5] - UInt8(ascii: "0")) * 10 + Int(bytes[6] - UInt8(ascii: "0"))
        return (1...12).contains(month)
    }
}

/// A stream that holds records, and what its name says.
public enum RecordStream: Sendable, Hashable {
    /// `wa/<phone_number_id>/<citizen key>`: the correspondence with one citizen on one business number.
    case correspondence(phoneNumberID: String)
    /// `inbox/<conversation id>`: the handling of a conversation (routing, assignment, notes).
    case handling(conversationID: String)

    /// Nil for every other stream (configuration, staff, access log, relay copies, …).
    public init?(_ stream: String) {
        let parts = stream.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0] == "wa", !parts[1].isEmpty, !parts[2].isEmpty {
            self = .correspondence(phoneNumberID: String(parts[1]))
        } else if parts.count >= 2, parts[0] == "inbox", stream.utf8.count > 6 {
            self = .handling(conversationID: String(stream.dropFirst(6)))
        } else {
            return nil
        }
    }

    /// `correspondence` or `handling`, as stored in `retention_records.kind`.
    public var kind: String {
        switch self {
        case .correspondence: "correspondence"
        case .handling: "handling"
        }
    }

    /// The business number: named by a correspondence stream, or by a handling stream's
    /// conversation id (the conversation's first stream).
    public var phoneNumberID: String? {
        switch self {
        case .correspondence(let phone): phone
        case .handling(let conversation):
            if case .correspondence(let phone)? = RecordStream(conversation) { phone } else { nil }
        }
    }

    /// The conversation a handling stream belongs to (a correspondence stream's conversation is
    /// found through `conversation_streams`, since streams merge).
    public var conversationID: String? {
        if case .handling(let conversation) = self { conversation } else { nil }
    }
}
