public import Foundation
public import LedgerStore
public import Logging
import PostgresNIO

/// Why an analytics request cannot be answered, with a message a user can act on.
public enum AnalyticsRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    case badDate(parameter: String, value: String)
    case reversed(from: String, to: String)
    case tooLong(days: Int)
    case badTeam(String)

    public var description: String {
        switch self {
        case .badDate(let parameter, let value):
            "`\(parameter)` must be a calendar date written YYYY-MM-DD (got \"\(value.prefix(40))\")"
        case .reversed(let from, let to): "`from` (\(from)) is after `to` (\(to))"
        case .tooLong(let days): "at most \(AnalyticsQueries.maximumDays) days can be asked at once (this range has \(days))"
        case .badTeam(let team): "`team` must be 1 to 100 characters without control characters (got \"\(team.prefix(40))\")"
        }
    }
}

/// Days in an IANA time zone.
public struct AnalyticsCalendar: Sendable {
    /// The IANA name as configured (Foundation may name `UTC` `GMT`).
    public let identifier: String
    public let timeZone: TimeZone
    private let calendar: Calendar

    /// The calendar of an IANA time zone (`UTC`, `America/Los_Angeles`); nil for an unknown name.
    public init?(timeZone identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.timeZone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    public static let utc = AnalyticsCalendar(timeZone: "UTC")!

    /// The day (`YYYY-MM-DD`) of a moment.
    public func date(of moment: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: moment)
        return Self.text(year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0)
    }

    /// The start of a day given as `YYYY-MM-DD`; nil when it is not a calendar date.
    public func start(of day: String) -> Date? {
        let parts = day.split(separator: "-", omittingEmptySubsequences: false)
        guard day.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            day.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let dayOfMonth = Int(parts[2]), year >= 1970,
            let start = calendar.date(from: DateComponents(year: year, month: month, day: dayOfMonth)),
            date(of: start) == day
        else { return nil }
        return start
    }

    /// The days from `from` through `to`, each with its bounds; the last one ends at the next
    /// day's start (23 or 25 hours long on a daylight-saving change).
    func windows(from: Date, count: Int) -> [AnalyticsDayWindow] {
        var result: [AnalyticsDayWindow] = []
        var start = from
        for _ in 0..<count {
            guard let next = calendar.date(byAdding: .day, value: 1, to: start) else { break }
            result.append(AnalyticsDayWindow(date: date(of: start), startUs: Self.microseconds(start), endUs: Self.microseconds(next)))
            start = next
        }
        return result
    }

    static func microseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }

    static func text(year: Int, month: Int, day: Int) -> String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

/// Per-team analytics of a ledger (docs/api.md, "Analytics"), computed from the `analytics`
/// projection when asked: each message's stream is joined to its conversation through the
/// `conversations` projection, and each conversation's facts are walked in ledger order.
public struct AnalyticsQueries: Sendable {
    /// The longest range one request may ask for.
    public static let maximumDays = 366

    public let store: LedgerStore
    public let logger: Logger

    public init(store: LedgerStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Checks a request's parameters.
    /// - Returns: the first day's start and the number of days.
    /// - Throws: ``AnalyticsRequestError``.
    public static func validate(from: String, to: String, team: String?, calendar: AnalyticsCalendar) throws -> (start: Date, days: Int) {
        guard let start = calendar.start(of: from) else { throw AnalyticsRequestError.badDate(parameter: "from", value: from) }
        guard let end = calendar.start(of: to) else { throw AnalyticsRequestError.badDate(parameter: "to", value: to) }
        guard start <= end else { throw AnalyticsRequestError.reversed(from: from, to: to) }
        let days = dayNumber(to) - dayNumber(from) + 1
        guard days <= maximumDays else { throw AnalyticsRequestError.tooLong(days: days) }
        if let team, team.isEmpty || team.count > 100 || team.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw AnalyticsRequestError.badTeam(team)
        }
        return (start, days)
    }

    /// Days since 1970-01-01 of a valid `YYYY-MM-DD` (the proleptic Gregorian calendar).
    static func dayNumber(_ text: String) -> Int {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return 0 }
        let year = parts[1] <= 2 ? parts[0] - 1 : parts[0]
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (parts[1] + (parts[1] > 2 ? -3 : 9)) + 2) / 5 + parts[2] - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The figures of the days `from` through `to` (`YYYY-MM-DD` in `calendar`'s zone), listing
    /// days up to today only.
    /// - Throws: ``AnalyticsRequestError`` for bad parameters; database errors otherwise.
    public func report(
        ledger name: String, from: String, to: String, team: String? = nil, calendar: AnalyticsCalendar = .utc, now: Date = Date()
    ) async throws -> AnalyticsReport {
        let (start, count) = try Self.validate(from: from, to: to, team: team, calendar: calendar)
        let nowUs = AnalyticsCalendar.microseconds(now)
        let windows = calendar.windows(from: start, count: count).filter { $0.startUs <= nowUs }
        var computation = AnalyticsComputation(days: windows, nowUs: nowUs)
        if !windows.isEmpty, let ledger = try await ledgerIfPresent(name) {
            try await forEachConversation(ledger: ledger) { computation.add(conversation: $0) }
        }
        return AnalyticsReport(timezone: calendar.identifier, days: computation.rows(team: team))
    }

    private func ledgerIfPresent(_ name: String) async throws -> LedgerRef? {
        do {
            return try await store.ledger(named: name, create: false)
        } catch LedgerStoreError.ledgerNotFound {
            return nil
        }
    }

    /// Streams every conversation's facts, grouped by conversation, in ledger order. A
    /// conversation's id is its first stream, so both messages (by stream) and inbox events (by
    /// conversation id) find the conversation they were merged into through `conversation_streams`.
    private func forEachConversation(ledger: LedgerRef, _ body: ([AnalyticsFact]) -> Void) async throws {
        let rows = try await store.client.query(
            """
            SELECT COALESCE(s.conversation_id, m.stream) AS conversation, m.position, m.occurred_at_us, m.direction, m.via
            FROM analytics_messages m
            LEFT JOIN conversation_streams s ON s.ledger_id = m.ledger_id AND s.stream = m.stream
            WHERE m.ledger_id = \(ledger.id)
            UNION ALL
            SELECT COALESCE(s.conversation_id, e.conversation_id), e.position, e.occurred_at_us, e.kind, e.team
            FROM analytics_conversation_events e
            LEFT JOIN conversation_streams s ON s.ledger_id = e.ledger_id AND s.stream = e.conversation_id
            WHERE e.ledger_id = \(ledger.id)
            ORDER BY 1, 2
            """, logger: logger)
        var current: [AnalyticsFact] = []
        for try await (conversation, position, atUs, kind, detail) in rows.decode((String, Int64, Int64, String, String?).self) {
            if let first = current.first, first.conversation != conversation {
                body(current)
                current.removeAll(keepingCapacity: true)
            }
            let factKind: AnalyticsFact.Kind
            switch kind {
            case "inbound": factKind = .inbound
            case "outbound": factKind = .outbound(via: detail ?? "unknown")
            case "routed": factKind = .routed(team: detail ?? unroutedTeam)
            case "pending": factKind = .pending
            case "closed": factKind = .closed
            default: factKind = .reopened
            }
            current.append(AnalyticsFact(conversation: conversation, position: position, atUs: atUs, kind: factKind))
        }
        if !current.isEmpty { body(current) }
    }
}
