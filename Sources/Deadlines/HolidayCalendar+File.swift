public import Foundation
import RecordkeeperCore

/// Holiday calendars as files (JSON; `deploy/holidays/washington.json` is the shipped one):
///
/// ```json
/// {"name": "…", "observance": {"saturday": "friday_before", "sunday": "monday_after"},
///  "holidays": [{"name": "New Year's Day", "date": "01-01"},
///               {"name": "Memorial Day", "month": 5, "weekday": "monday", "nth": "last"},
///               {"name": "Native American Heritage Day", "after": "Thanksgiving Day", "days": 1},
///               {"name": "Juneteenth", "date": "06-19", "from_year": 2022}],
///  "closures": [{"date": "2026-03-16", "name": "Snow closure"}]}
/// ```
extension HolidayCalendar {
    /// Reads a calendar file.
    /// - Throws: ``HolidayCalendarError`` naming the entry that cannot be used.
    public static func load(contentsOf url: URL) throws(HolidayCalendarError) -> HolidayCalendar {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .unreadable(path: url.path, reason: error.localizedDescription) }
        return try parse(data)
    }

    /// Parses a calendar file's bytes.
    /// - Throws: ``HolidayCalendarError`` naming the entry that cannot be used.
    public static func parse(_ data: Data) throws(HolidayCalendarError) -> HolidayCalendar {
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch { throw .notJSON(reason: "\(error)") }
        guard root.object != nil else { throw .notJSON(reason: "the top level is not an object") }
        let top = "the calendar"
        guard let name = root.text("name"), !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .missing(member: "name", entry: top) }
        var observance = HolidayObservance.none
        if let rules = root["observance"] {
            observance.saturday = try shift(rules["saturday"], member: "saturday", allowed: ["friday_before": -1, "none": 0])
            observance.sunday = try shift(rules["sunday"], member: "sunday", allowed: ["monday_after": 1, "none": 0])
        }
        var holidays: [HolidayRule] = []
        for (index, item) in (root["holidays"]?.array ?? []).enumerated() {
            let rule = try holiday(item, entry: "holidays[\(index)]", earlier: holidays.map(\.name))
            guard !holidays.contains(where: { $0.name == rule.name }) else { throw .duplicateName(rule.name) }
            holidays.append(rule)
        }
        var closures: [CivilDay: String] = [:]
        for (index, item) in (root["closures"]?.array ?? []).enumerated() {
            let entry = "closures[\(index)]"
            guard let text = item.text("date") else { throw .missing(member: "date", entry: entry) }
            guard let day = CivilDay(text) else { throw .invalid(member: "date", entry: entry, value: text, expected: "a day YYYY-MM-DD") }
            closures[day] = item.text("name") ?? "agency closure"
        }
        return HolidayCalendar(name: name, rules: holidays, observance: observance, closures: closures)
    }

    private static func shift(_ value: JSONValue?, member: String, allowed: [String: Int]) throws(HolidayCalendarError) -> Int {
        guard let value else { return 0 }
        guard let text = value.string, let shift = allowed[text] else {
            throw .invalid(
                member: member, entry: "observance", value: render(value), expected: allowed.keys.sorted().map { "\"\($0)\"" }.joined(separator: " or "))
        }
        return shift
    }

    /// A value as the file writes it: `6`, `"sixth"`.
    private static func render(_ value: JSONValue) -> String {
        String(decoding: (try? value.encoded()) ?? [], as: UTF8.self)
    }

    private static func holiday(_ item: JSONValue, entry: String, earlier: [String]) throws(HolidayCalendarError) -> HolidayRule {
        guard let name = item.text("name"), !name.isEmpty else { throw .missing(member: "name", entry: entry) }
        let fromYear = item["from_year"].flatMap(\.integer).map(Int.init)
        if let text = item.text("date") {
            let parts = text.split(separator: "-")
            guard parts.count == 2, let month = Int(parts[0]), let day = Int(parts[1]), CivilDay(year: 2000, month: month, day: day) != nil else {
                throw .invalid(member: "date", entry: entry, value: text, expected: "a month and day MM-DD such as 07-04")
            }
            return HolidayRule(name, .fixed(month: month, day: day), fromYear: fromYear)
        }
        if let other = item.text("after") {
            guard earlier.contains(other) else { throw .unknownHoliday(other, entry: entry) }
            let days = item["days"].flatMap(\.integer).map(Int.init) ?? 1
            return HolidayRule(name, .after(holiday: other, days: days), fromYear: fromYear)
        }
        guard let month = item["month"]?.integer.map(Int.init) else { throw .missing(member: "date\", \"after\" or \"month", entry: entry) }
        guard (1...12).contains(month) else { throw .invalid(member: "month", entry: entry, value: "\(month)", expected: "1 to 12") }
        guard let text = item.text("weekday"), let weekday = Weekday(rawValue: text.lowercased()) else {
            throw .invalid(member: "weekday", entry: entry, value: item["weekday"].map(render) ?? "missing", expected: "monday … sunday")
        }
        let n: Int
        switch item["nth"] {
        case .string("last")?: n = -1
        case let value?:
            guard let number = value.integer, (1...5).contains(number) else {
                throw .invalid(member: "nth", entry: entry, value: render(value), expected: "1 to 5 or \"last\"")
            }
            n = Int(number)
        case nil: throw .missing(member: "nth", entry: entry)
        }
        return HolidayRule(name, .nthWeekday(month: month, weekday: weekday, n: n), fromYear: fromYear)
    }
}
