/// The days an agency is closed besides weekends: holiday rules evaluated per year, plus single
/// closure dates. Washington's is shipped (``washington``, `deploy/holidays/washington.json`);
/// others load from a file (``HolidayCalendar/load(contentsOf:)``, docs/public-records.md).
public struct HolidayCalendar: Sendable, Hashable {
    /// What the calendar is, as the due-date explanation names it.
    public var name: String
    public var rules: [HolidayRule]
    /// Where fixed-date holidays on a weekend are kept.
    public var observance: HolidayObservance
    /// Single closure days (an emergency closure), with their names.
    public var closures: [CivilDay: String]

    public init(name: String, rules: [HolidayRule], observance: HolidayObservance = .fridayMonday, closures: [CivilDay: String] = [:]) {
        self.name = name
        self.rules = rules
        self.observance = observance
        self.closures = closures
    }

    /// Washington State legal holidays (RCW 1.16.050): New Year's Day, Martin Luther King Jr. Day
    /// (third Monday of January), Presidents' Day (third Monday of February), Memorial Day (last
    /// Monday of May), Juneteenth (June 19, from 2022), Independence Day, Labor Day (first Monday
    /// of September), Veterans Day (November 11), Thanksgiving Day (fourth Thursday of November)
    /// and Native American Heritage Day (the day after), Christmas Day. A holiday on a Sunday is
    /// kept the Monday after, on a Saturday the Friday before.
    public static let washington = HolidayCalendar(
        name: "Washington State legal holidays (RCW 1.16.050)",
        rules: [
            HolidayRule("New Year's Day", .fixed(month: 1, day: 1)),
            HolidayRule("Martin Luther King Jr. Day", .nthWeekday(month: 1, weekday: .monday, n: 3)),
            HolidayRule("Presidents' Day", .nthWeekday(month: 2, weekday: .monday, n: 3)),
            HolidayRule("Memorial Day", .nthWeekday(month: 5, weekday: .monday, n: -1)),
            HolidayRule("Juneteenth", .fixed(month: 6, day: 19), fromYear: 2022),
            HolidayRule("Independence Day", .fixed(month: 7, day: 4)),
            HolidayRule("Labor Day", .nthWeekday(month: 9, weekday: .monday, n: 1)),
            HolidayRule("Veterans Day", .fixed(month: 11, day: 11)),
            HolidayRule("Thanksgiving Day", .nthWeekday(month: 11, weekday: .thursday, n: 4)),
            HolidayRule("Native American Heritage Day", .after(holiday: "Thanksgiving Day", days: 1)),
            HolidayRule("Christmas Day", .fixed(month: 12, day: 25)),
        ],
        observance: .fridayMonday)

    /// The holidays kept in `year`, in date order (a holiday of the next year observed on the
    /// last day of this one is included; one of this year observed in the previous is not).
    public func holidays(in year: Int) -> [Holiday] {
        var kept: [Holiday] = []
        for ruleYear in (year - 1)...(year + 1) {
            kept += evaluate(year: ruleYear).filter { $0.day.year == year }
        }
        for (day, name) in closures where day.year == year { kept.append(Holiday(day: day, name: name)) }
        return kept.sorted { ($0.day, $0.name) < ($1.day, $1.name) }
    }

    /// The holiday kept on `day`, if any (the first by name when two fall on one day).
    public func holiday(on day: CivilDay) -> Holiday? {
        holidays(in: day.year).first { $0.day == day }
    }

    /// The holidays whose rules belong to `year`, each on the day it is kept.
    func evaluate(year: Int) -> [Holiday] {
        var actual: [String: CivilDay] = [:]
        var kept: [Holiday] = []
        for rule in rules where rule.fromYear.map({ year >= $0 }) ?? true {
            let date: CivilDay?
            var movable = false
            switch rule.date {
            case .fixed(let month, let day):
                date = CivilDay(year: year, month: month, day: day)
                movable = true
            case .nthWeekday(let month, let weekday, let n):
                date = Self.nth(weekday, n: n, month: month, year: year)
            case .after(let other, let days):
                date = actual[other]?.adding(days: days)
            }
            guard let date else { continue }
            actual[rule.name] = date
            var observed = date
            if movable {
                if date.weekday == .saturday { observed = date.adding(days: observance.saturday) }
                if date.weekday == .sunday { observed = date.adding(days: observance.sunday) }
            }
            kept.append(Holiday(day: observed, name: rule.name, movedFrom: observed == date ? nil : date))
        }
        return kept
    }

    /// The `n`th `weekday` of a month (`n == -1`: the last); nil when the month has no such day.
    static func nth(_ weekday: Weekday, n: Int, month: Int, year: Int) -> CivilDay? {
        guard let first = CivilDay(year: year, month: month, day: 1) else { return nil }
        let target = Weekday.allCases.firstIndex(of: weekday) ?? 0
        let start = Weekday.allCases.firstIndex(of: first.weekday) ?? 0
        let firstMatch = first.adding(days: (target - start + 7) % 7)
        if n == -1 {
            var day = firstMatch
            while day.adding(days: 7).month == month { day = day.adding(days: 7) }
            return day
        }
        guard n >= 1 else { return nil }
        let day = firstMatch.adding(days: 7 * (n - 1))
        return day.month == month ? day : nil
    }
}
