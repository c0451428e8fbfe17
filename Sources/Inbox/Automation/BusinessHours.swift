public import Foundation
public import RecordkeeperCore

/// The agency's opening hours, for out-of-hours replies: an IANA time zone and, per weekday, the
/// intervals the office is open (local time, `HH:MM`, close after open; `24:00` closes at
/// midnight). A weekday without intervals is closed all day.
public struct BusinessHours: Sendable, Hashable {
    public enum Weekday: String, Sendable, Hashable, CaseIterable, Comparable {
        case monday, tuesday, wednesday, thursday, friday, saturday, sunday

        /// From `Calendar`'s weekday number (1 = Sunday).
        init?(calendarWeekday: Int) {
            let order: [Weekday] = [.sunday, .monday, .tuesday, .wednesday, .thursday, .friday, .saturday]
            guard (1...7).contains(calendarWeekday) else { return nil }
            self = order[calendarWeekday - 1]
        }

        public static func < (lhs: Weekday, rhs: Weekday) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// An opening interval, in minutes after local midnight: `open..<close`.
    public struct Interval: Sendable, Hashable {
        public var open: Int
        public var close: Int

        public init(open: Int, close: Int) {
            self.open = open
            self.close = close
        }
    }

    /// The IANA time zone name (`America/Los_Angeles`).
    public var timezone: String
    public var weekly: [Weekday: [Interval]]

    /// - Throws: ``AutomationRuleError`` for an unknown time zone.
    public init(timezone: String, weekly: [Weekday: [Interval]]) throws {
        guard TimeZone(identifier: timezone) != nil else {
            throw AutomationRuleError(field: "business_hours.timezone", "unknown time zone \"\(timezone)\": use an IANA name such as America/Los_Angeles")
        }
        self.timezone = timezone
        self.weekly = weekly.filter { !$0.value.isEmpty }.mapValues { $0.sorted { $0.open < $1.open } }
    }

    /// Whether the office is open at `date`.
    public func isOpen(at date: Date) -> Bool {
        guard let zone = TimeZone(identifier: timezone) else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        guard let number = parts.weekday, let day = Weekday(calendarWeekday: number) else { return false }
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        return (weekly[day] ?? []).contains { $0.open <= minute && minute < $0.close }
    }

    // MARK: JSON

    /// `{"timezone": "...", "weekly": {"monday": [{"open": "08:00", "close": "17:00"}], ...}}`,
    /// every weekday present (closed days as `[]`).
    public var json: JSONValue {
        var days: [String: JSONValue] = [:]
        for day in Weekday.allCases {
            days[day.rawValue] = .array(
                (weekly[day] ?? []).map {
                    .object(["open": .string(Self.clock($0.open)), "close": .string(Self.clock($0.close))])
                })
        }
        return .object(["timezone": .string(timezone), "weekly": .object(days)])
    }

    init(json: JSONValue, at path: String) throws {
        guard let members = json.object else {
            throw AutomationRuleError(field: path, "\"business_hours\" must be an object with \"timezone\" and \"weekly\", or null")
        }
        try AutomationRuleSet.refuseUnknown(members, allowed: ["timezone", "weekly"], at: path)
        guard let zone = members["timezone"]?.string, !zone.isEmpty else {
            throw AutomationRuleError(field: "\(path).timezone", "\"timezone\" must be an IANA time zone name such as America/Los_Angeles")
        }
        guard let days = members["weekly"]?.object else {
            throw AutomationRuleError(
                field: "\(path).weekly", "\"weekly\" must map weekdays (monday … sunday) to lists of {\"open\": \"HH:MM\", \"close\": \"HH:MM\"}")
        }
        try AutomationRuleSet.refuseUnknown(days, allowed: Set(Weekday.allCases.map(\.rawValue)), at: "\(path).weekly")
        var weekly: [Weekday: [Interval]] = [:]
        for (name, value) in days {
            let day = Weekday(rawValue: name)!
            let field = "\(path).weekly.\(name)"
            guard let list = value.array else {
                throw AutomationRuleError(field: field, "each weekday takes a list of intervals ([] when closed all day)")
            }
            var intervals: [Interval] = []
            for (index, element) in list.enumerated() {
                let at = "\(field)[\(index)]"
                guard let open = element.text("open").flatMap(Self.minutes), let close = element.text("close").flatMap(Self.minutes),
                    element.object?.count == 2
                else {
                    throw AutomationRuleError(field: at, "an interval is {\"open\": \"HH:MM\", \"close\": \"HH:MM\"} in 24-hour local time")
                }
                guard open < close else { throw AutomationRuleError(field: at, "\"close\" must be after \"open\" (use 24:00 for midnight)") }
                intervals.append(Interval(open: open, close: close))
            }
            intervals.sort { $0.open < $1.open }
            for (earlier, later) in zip(intervals, intervals.dropFirst()) where later.open < earlier.close {
                throw AutomationRuleError(field: field, "the intervals of \(name) overlap")
            }
            weekly[day] = intervals
        }
        try self.init(timezone: zone, weekly: weekly)
    }

    /// Minutes after midnight of `HH:MM` (00:00 … 24:00).
    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0...24).contains(hour), (0...59).contains(minute), hour < 24 || minute == 0
        else { return nil }
        return hour * 60 + minute
    }

    static func clock(_ minutes: Int) -> String {
        let hour = minutes / 60
        let minute = minutes % 60
        return (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
    }
}
